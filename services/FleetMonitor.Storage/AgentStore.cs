using Dapper;
using FleetMonitor.Contracts;

namespace FleetMonitor.Storage;

/// <summary>Reads and writes <c>agents</c>.</summary>
public sealed class AgentStore(Database database, TimeProvider timeProvider)
{
    private const string Columns = """
        SELECT id AS Id, site_id AS SiteId, hostname AS Hostname, agent_version AS AgentVersion, first_seen_at AS FirstSeenAt,
               last_seen_at AS LastSeenAt, last_heartbeat_at AS LastHeartbeatAt, outbox_backlog AS OutboxBacklog
        FROM agents
        """;

    public async Task<IReadOnlyList<AgentRow>> ListAsync(string? siteId, CancellationToken cancellationToken)
    {
        var sql = siteId is null ? Columns + " ORDER BY id" : Columns + " WHERE site_id = @SiteId ORDER BY id";
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AgentRow>(new CommandDefinition(sql, new { SiteId = siteId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>How many agents each site has (every agent with a heartbeat or a result has a row).</summary>
    public async Task<IReadOnlyList<SiteAgentCountRow>> CountBySiteAsync(CancellationToken cancellationToken)
    {
        const string Sql = "SELECT site_id AS SiteId, COUNT(*) AS Agents FROM agents GROUP BY site_id";
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SiteAgentCountRow>(new CommandDefinition(Sql, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>
    /// The agents last heard from (last heartbeat, or lacking one their last result) before <paramref name="before"/>:
    /// the candidates for offline, read through the index <c>agents_last_heard</c> (migration 0032), not by reading every agent.
    /// </summary>
    public async Task<IReadOnlyList<AgentRow>> ListQuietAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AgentRow>(new CommandDefinition(
            Columns + " WHERE COALESCE(last_heartbeat_at, last_seen_at) < @Before ORDER BY id", new { Before = before }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<AgentRow?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AgentRow>(new CommandDefinition(Columns + " WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
    }

    /// <summary>Records a heartbeat; an out-of-order (older) heartbeat does not move the agent back in time.</summary>
    public async Task RecordHeartbeatAsync(AgentHeartbeatSent heartbeat, CancellationToken cancellationToken)
    {
        const string Sql = """
            INSERT INTO agents (id, site_id, hostname, agent_version, first_seen_at, last_seen_at, last_heartbeat_at, outbox_backlog)
            VALUES (@AgentId, @SiteId, @Hostname, @AgentVersion, @Now, @Now, @SentAt, @OutboxBacklog)
            ON CONFLICT (id) DO UPDATE SET
                site_id = excluded.site_id, hostname = excluded.hostname, agent_version = excluded.agent_version,
                last_seen_at = excluded.last_seen_at, last_heartbeat_at = excluded.last_heartbeat_at,
                outbox_backlog = excluded.outbox_backlog
            WHERE agents.last_heartbeat_at IS NULL OR agents.last_heartbeat_at < excluded.last_heartbeat_at
            """;
        const string SiteSql = "INSERT INTO sites (id, name, time_zone, created_at) VALUES (@SiteId, @SiteId, 'UTC', @Now) ON CONFLICT (id) DO NOTHING";
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(SiteSql, new { heartbeat.SiteId, Now = now }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(Sql, new
        {
            heartbeat.AgentId,
            heartbeat.SiteId,
            heartbeat.Hostname,
            heartbeat.AgentVersion,
            Now = now,
            // In UTC: PostgreSQL's timestamptz takes no other offset, and SQLite compares the text.
            SentAt = heartbeat.SentAt.ToUniversalTime(),
            heartbeat.OutboxBacklog,
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }
}
