using Dapper;

namespace FleetMonitor.Storage;

/// <summary>Appends to and reads <c>audit_log</c>; entries are never changed or deleted through it.</summary>
public sealed class AuditStore(Database database, TimeProvider timeProvider)
{
    /// <summary>Appends one entry; <c>before</c> is null for a creation, <c>after</c> null for a deletion (both JSON text).</summary>
    public async Task AppendAsync(string actor, string action, string target, string? before, string? after, CancellationToken cancellationToken)
    {
        const string Sql = """
            INSERT INTO audit_log (at, actor, action, target, before, after) VALUES (@At, @Actor, @Action, @Target, @Before, @After)
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Sql, new
        {
            At = timeProvider.GetUtcNow(),
            Actor = actor,
            Action = action,
            Target = target,
            Before = before,
            After = after,
        }, cancellationToken: cancellationToken));
    }

    /// <summary>The newest entries first; <paramref name="beforeId"/> pages further back.</summary>
    public async Task<IReadOnlyList<AuditEntryRow>> ListAsync(long? beforeId, int limit, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT id AS Id, at AS At, actor AS Actor, action AS Action, target AS Target, before AS Before, after AS After
            FROM audit_log {(beforeId is null ? "" : "WHERE id < @BeforeId")}
            ORDER BY id DESC LIMIT @Limit
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AuditEntryRow>(new CommandDefinition(sql, new { BeforeId = beforeId, Limit = limit }, cancellationToken: cancellationToken));
        return rows.AsList();
    }
}
