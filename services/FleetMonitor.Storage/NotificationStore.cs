using Dapper;

namespace FleetMonitor.Storage;

/// <summary>The notification outbox: claims due deliveries (PostgreSQL: SKIP LOCKED, so replicas never take the same one) and records their outcome.</summary>
public sealed class NotificationStore(Database database, TimeProvider timeProvider)
{
    /// <summary>The action of a periodic re-post of an open alert (Alertmanager forgets alerts that are not re-posted).</summary>
    public const string RefreshAction = "refresh";

    /// <summary>The advisory lock that makes replicas claim deliveries one at a time ("alert_notifications" claim).</summary>
    private const long ClaimLockKey = 0x466C_4D6F_6E43_6C6D;

    private const string Columns = """
        id AS Id, alert_id AS AlertId, channel AS Channel, action AS Action, status AS Status, attempts AS Attempts,
        created_at AS CreatedAt, next_attempt_at AS NextAttemptAt, delivered_at AS DeliveredAt, last_error AS LastError
        """;

    /// <summary>
    /// Claims up to <paramref name="limit"/> due deliveries for <paramref name="lease"/>. A delivery waits for the earlier
    /// ones of its alert and channel, so a resolve never overtakes its firing, and for any of them that is in flight:
    /// one alert's posts to one channel are made one at a time, each built from the alert as it is after its claim. (A
    /// resolve whose transaction took its id before a refresh but committed after it would otherwise be posted while
    /// the refresh, read before the resolve, was still on its way.) Replicas claim one at a time (PostgreSQL: a
    /// transaction-scoped advisory lock), so each sees the other's claims.
    /// </summary>
    public async Task<IReadOnlyList<AlertNotificationRow>> ClaimDueAsync(int limit, TimeSpan lease, CancellationToken cancellationToken)
    {
        var postgres = database.Dialect == StorageDialect.PostgreSql;
        var sql = $"""
            UPDATE alert_notifications SET claimed_until = @Until
            WHERE id IN (
                SELECT n.id FROM alert_notifications n
                WHERE n.status = 'pending' AND n.next_attempt_at <= @Now AND (n.claimed_until IS NULL OR n.claimed_until < @Now)
                  AND NOT EXISTS (SELECT 1 FROM alert_notifications e
                                  WHERE e.alert_id = n.alert_id AND e.channel = n.channel AND e.id <> n.id AND e.status = 'pending'
                                    AND (e.id < n.id OR e.claimed_until >= @Now))
                ORDER BY n.id LIMIT @Limit {(postgres ? "FOR UPDATE SKIP LOCKED" : "")})
            RETURNING {Columns}
            """;
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (postgres)
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@Key)", new { Key = ClaimLockKey }, transaction, cancellationToken: cancellationToken));
        }

        var rows = (await connection.QueryAsync<AlertNotificationRow>(new CommandDefinition(sql, new { Now = now, Until = now + lease, Limit = limit }, transaction, cancellationToken: cancellationToken))).AsList();
        await transaction.CommitAsync(cancellationToken);
        return rows.OrderBy(r => r.Id).ToList();
    }

    /// <summary>Records a delivery; a delivered <c>refresh</c> leaves no row (it repeats every round and says nothing new).</summary>
    public async Task MarkDeliveredAsync(AlertNotificationRow notification, CancellationToken cancellationToken)
    {
        var sql = notification.Action == RefreshAction
            ? "DELETE FROM alert_notifications WHERE id = @Id"
            : """
              UPDATE alert_notifications SET status = 'delivered', attempts = attempts + 1, delivered_at = @Now, claimed_until = NULL, last_error = NULL
              WHERE id = @Id
              """;
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { notification.Id, Now = timeProvider.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Records a delivery held back and never sent, with <paramref name="status"/> (<c>silenced</c>, <c>grouped</c>)
    /// and why; a held-back <c>refresh</c> leaves no row.
    /// </summary>
    public async Task MarkHeldAsync(AlertNotificationRow notification, string status, string reason, CancellationToken cancellationToken)
    {
        var sql = notification.Action == RefreshAction
            ? "DELETE FROM alert_notifications WHERE id = @Id"
            : "UPDATE alert_notifications SET status = @Status, claimed_until = NULL, last_error = @Reason WHERE id = @Id";
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { notification.Id, Status = status, Reason = reason }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Queues a <c>refresh</c> of every open alert on <paramref name="channel"/> that has nothing pending there. Going
    /// through the outbox keeps each alert's posts in order: a refresh never lands after the resolve that followed it.
    /// </summary>
    public async Task<int> QueueRefreshAsync(string channel, CancellationToken cancellationToken)
    {
        const string Sql = """
            INSERT INTO alert_notifications (alert_id, channel, action, status, attempts, created_at, next_attempt_at)
            SELECT a.id, @Channel, 'refresh', 'pending', 0, @Now, @Now FROM alerts a
            WHERE a.state <> 'resolved'
              AND NOT EXISTS (SELECT 1 FROM alert_notifications n WHERE n.alert_id = a.id AND n.channel = @Channel AND n.status = 'pending')
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(Sql, new { Channel = channel, Now = timeProvider.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    /// <summary>Records a failed attempt: retried at <paramref name="retryAt"/>, or given up (<c>failed</c>) when null.</summary>
    public async Task MarkFailedAsync(long id, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken)
    {
        const string Sql = """
            UPDATE alert_notifications SET status = @Status, attempts = attempts + 1, next_attempt_at = @Next, claimed_until = NULL, last_error = @Error
            WHERE id = @Id
            """;
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Sql, new
        {
            Id = id,
            Status = retryAt is null ? "failed" : "pending",
            Next = retryAt ?? now,
            Error = error.Length > 1000 ? error[..1000] : error,
        }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<AlertNotificationRow>> ListForAlertAsync(Guid alertId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AlertNotificationRow>(new CommandDefinition(
            $"SELECT {Columns} FROM alert_notifications WHERE alert_id = @Id ORDER BY id", new { Id = alertId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }
}
