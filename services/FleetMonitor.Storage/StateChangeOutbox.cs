using System.Data.Common;
using System.Text.Json;
using Dapper;
using FleetMonitor.Contracts;

namespace FleetMonitor.Storage;

/// <summary>
/// The <c>state_change_outbox</c> table: <see cref="ProbeStateChanged"/> events written in the same transaction as the
/// results that caused them, and handed to a publisher in sequence order, then marked sent. A publish that fails
/// leaves the rows unsent, so they go out again (at least once; a consumer drops a repeat by its
/// <see cref="ProbeStateChanged.Sequence"/> or <see cref="ProbeStateChanged.StartedAt"/>).
/// </summary>
public sealed class StateChangeOutbox(Database database, TimeProvider timeProvider)
{
    /// <summary>Key of the PostgreSQL advisory lock that lets one relay at a time publish (several Ingestion replicas).</summary>
    private const long RelayLockKey = 0x46_4D_4F_55_54_42_4F_58; // "FMOUTBOX"

    /// <summary>How long a sent row stays for inspection before it is deleted.</summary>
    public static readonly TimeSpan KeepSent = TimeSpan.FromDays(1);

    /// <summary>Appends changes inside the caller's transaction, in (agent, probe) order like every other write.</summary>
    internal async Task AppendAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<ProbeStateChanged> changes, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        var rows = changes
            .OrderBy(c => c.AgentId, StringComparer.Ordinal).ThenBy(c => c.ProbeId, StringComparer.Ordinal)
            .Select(c => new { c.AgentId, c.ProbeId, Message = JsonSerializer.Serialize(c, WireFormat.Options), CreatedAt = now })
            .ToList();
        if (database.Dialect == StorageDialect.PostgreSql)
        {
            const string Sql = """
                INSERT INTO state_change_outbox (agent_id, probe_id, message, created_at)
                SELECT o.agent_id, o.probe_id, o.message, @CreatedAt
                FROM unnest(@AgentIds, @ProbeIds, @Messages) WITH ORDINALITY AS o(agent_id, probe_id, message, n)
                ORDER BY o.n
                """;
            await connection.ExecuteAsync(new CommandDefinition(Sql, new
            {
                AgentIds = rows.Select(r => r.AgentId).ToArray(),
                ProbeIds = rows.Select(r => r.ProbeId).ToArray(),
                Messages = rows.Select(r => r.Message).ToArray(),
                CreatedAt = now.ToUniversalTime(),
            }, transaction, cancellationToken: cancellationToken));
        }
        else
        {
            const string Sql = "INSERT INTO state_change_outbox (agent_id, probe_id, message, created_at) VALUES (@AgentId, @ProbeId, @Message, @CreatedAt)";
            foreach (var row in rows)
            {
                await connection.ExecuteAsync(new CommandDefinition(Sql, row, transaction, cancellationToken: cancellationToken));
            }
        }
    }

    /// <summary>
    /// Hands up to <paramref name="max"/> unsent changes, oldest first, to <paramref name="publish"/> and marks them
    /// sent when it returns; returns how many. On PostgreSQL only one caller at a time gets rows (an advisory lock
    /// held for the transaction), so the order holds with several Ingestion replicas; the others get 0.
    /// </summary>
    public async Task<int> RelayAsync(
        int max, Func<IReadOnlyList<ProbeStateChanged>, CancellationToken, Task> publish, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (database.Dialect == StorageDialect.PostgreSql
            && !await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT pg_try_advisory_xact_lock(@Key)", new { Key = RelayLockKey }, transaction, cancellationToken: cancellationToken)))
        {
            return 0;
        }

        var rows = (await connection.QueryAsync<(long Sequence, string Message)>(new CommandDefinition(
            "SELECT sequence, message FROM state_change_outbox WHERE sent_at IS NULL ORDER BY sequence LIMIT @Max",
            new { Max = max }, transaction, cancellationToken: cancellationToken))).AsList();
        if (rows.Count > 0)
        {
            var changes = rows.ConvertAll(r => JsonSerializer.Deserialize<ProbeStateChanged>(r.Message, WireFormat.Options)! with { Sequence = r.Sequence });
            await publish(changes, cancellationToken);

            var now = timeProvider.GetUtcNow();
            var sql = database.Dialect == StorageDialect.PostgreSql
                ? "UPDATE state_change_outbox SET sent_at = @Now WHERE sequence = ANY(@Sequences)"
                : "UPDATE state_change_outbox SET sent_at = @Now WHERE sequence IN @Sequences";
            await connection.ExecuteAsync(new CommandDefinition(
                sql, new { Now = now.ToUniversalTime(), Sequences = rows.ConvertAll(r => r.Sequence).ToArray() }, transaction, cancellationToken: cancellationToken));
        }
        else
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM state_change_outbox WHERE sent_at < @Before",
                new { Before = (timeProvider.GetUtcNow() - KeepSent).ToUniversalTime() }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return rows.Count;
    }

    /// <summary>Changes not yet published; for health, tests and the benchmark.</summary>
    public async Task<long> CountUnsentAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM state_change_outbox WHERE sent_at IS NULL", cancellationToken: cancellationToken));
    }
}
