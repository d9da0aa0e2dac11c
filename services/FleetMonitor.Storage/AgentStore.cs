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

    /// <summary>When an agent was last heard from: its last heartbeat, or lacking one its last result (the index <c>agents_last_heard</c>).</summary>
    internal const string HeardAt = "COALESCE(last_heartbeat_at, last_seen_at)";

    /// <summary>
    /// How many agents each site has (every agent with a heartbeat or a result has a row): the counts the triggers of
    /// migration 0033 keep in <c>site_agent_counts</c>, one row per site, equal to a <c>GROUP BY site_id</c> over agents.
    /// </summary>
    public async Task<IReadOnlyList<SiteAgentCountRow>> CountBySiteAsync(CancellationToken cancellationToken)
    {
        const string Sql = "SELECT site_id AS SiteId, agents AS Agents FROM site_agent_counts WHERE agents > 0";
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SiteAgentCountRow>(new CommandDefinition(Sql, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>
    /// The agents last heard from (last heartbeat, or lacking one their last result) before <paramref name="before"/>:
    /// the candidates for offline, ordered by id. Read in pages in the order of the index
    /// <c>agents_last_heard</c> (migration 0035), each page a short index range after the last one's key, so the plan
    /// does not depend on what the statistics of the ever-growing heartbeat column say about the cut-off. An agent
    /// heard from meanwhile only moves forward, out of the range; none still quiet is skipped.
    /// </summary>
    public Task<IReadOnlyList<AgentRow>> ListQuietAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        ListQuietAsync(before, 1000, cancellationToken);

    /// <summary>As <see cref="ListQuietAsync(DateTimeOffset, CancellationToken)"/>, in pages of <paramref name="pageSize"/> agents.</summary>
    public async Task<IReadOnlyList<AgentRow>> ListQuietAsync(DateTimeOffset before, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        const string First = Columns + " WHERE " + HeardAt + " < @Before ORDER BY " + HeardAt + ", id LIMIT @Limit";
        const string Next = Columns + " WHERE " + HeardAt + " < @Before AND (" + HeardAt + ", id) > (@AfterHeard, @AfterId) ORDER BY " + HeardAt + ", id LIMIT @Limit";
        var result = new List<AgentRow>();
        await using var connection = await database.OpenAsync(cancellationToken);
        AgentRow? last = null;
        while (true)
        {
            var page = (await connection.QueryAsync<AgentRow>(new CommandDefinition(
                last is null ? First : Next,
                new { Before = before, Limit = pageSize, AfterHeard = last?.LastHeartbeatAt ?? last?.LastSeenAt, AfterId = last?.Id },
                cancellationToken: cancellationToken))).AsList();
            result.AddRange(page);
            if (page.Count < pageSize)
            {
                break;
            }

            last = page[^1];
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return result;
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
