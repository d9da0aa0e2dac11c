using Dapper;

namespace FleetMonitor.Storage;

/// <summary>Reads and writes <c>alert_silences</c>; a silence is never deleted, only expired.</summary>
public sealed class SilenceStore(Database database, TimeProvider timeProvider)
{
    private const string Columns = """
        SELECT id AS Id, site_id AS SiteId, agent_id AS AgentId, probe_id AS ProbeId, class AS Class, cause AS Cause,
               starts_at AS StartsAt, ends_at AS EndsAt, cron AS Cron, duration_seconds AS DurationSeconds, comment AS Comment,
               created_by AS CreatedBy, created_at AS CreatedAt, expired_at AS ExpiredAt
        FROM alert_silences
        """;

    public async Task CreateAsync(SilenceRow silence, CancellationToken cancellationToken)
    {
        const string Sql = """
            INSERT INTO alert_silences (id, site_id, agent_id, probe_id, class, cause, starts_at, ends_at, cron, duration_seconds, comment, created_by, created_at)
            VALUES (@Id, @SiteId, @AgentId, @ProbeId, @Class, @Cause, @StartsAt, @EndsAt, @Cron, @DurationSeconds, @Comment, @CreatedBy, @CreatedAt)
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Sql, silence, cancellationToken: cancellationToken));
    }

    public async Task<SilenceRow?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<SilenceRow>(new CommandDefinition(Columns + " WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
    }

    /// <summary>Silences not expired and not past their end: the ones that apply now or may apply later.</summary>
    public async Task<IReadOnlyList<SilenceRow>> ListLiveAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SilenceRow>(new CommandDefinition(
            Columns + " WHERE expired_at IS NULL AND (ends_at IS NULL OR ends_at > @Now) ORDER BY created_at", new { Now = timeProvider.GetUtcNow() }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>The newest silences first, ended ones included.</summary>
    public async Task<IReadOnlyList<SilenceRow>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SilenceRow>(new CommandDefinition(Columns + " ORDER BY created_at DESC LIMIT @Limit", new { Limit = limit }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>Ends a silence now; false when it was expired already.</summary>
    public async Task<bool> ExpireAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE alert_silences SET expired_at = @Now WHERE id = @Id AND expired_at IS NULL", new { Id = id, Now = timeProvider.GetUtcNow() }, cancellationToken: cancellationToken)) > 0;
    }
}
