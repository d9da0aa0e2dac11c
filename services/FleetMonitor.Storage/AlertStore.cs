using System.Data.Common;
using Dapper;

namespace FleetMonitor.Storage;

/// <summary>Reads and writes <c>alerts</c>, <c>alert_history</c>, <c>alert_windows</c> and queues <c>alert_notifications</c>.</summary>
public sealed class AlertStore(Database database, TimeProvider timeProvider)
{
    internal const string Columns = """
        SELECT id AS Id, fingerprint AS Fingerprint, alertname AS Alertname, site_id AS SiteId, agent_id AS AgentId, probe_id AS ProbeId,
               rule_id AS RuleId, cause AS Cause, class AS Class, severity AS Severity, state AS State, summary AS Summary,
               description AS Description, started_at AS StartedAt, updated_at AS UpdatedAt, resolved_at AS ResolvedAt,
               acknowledged_by AS AcknowledgedBy, acknowledged_at AS AcknowledgedAt, ack_comment AS AckComment,
               last_notified_at AS LastNotifiedAt, notifications AS Notifications, silenced_by AS SilencedBy,
               network AS Network, group_id AS GroupId, router AS Router, target AS Target
        FROM alerts
        """;

    /// <summary>
    /// Runs <paramref name="work"/> on the locked windows of many agents and probes in one transaction, and commits what
    /// it wrote. The windows are locked in key order, so replicas evaluating overlapping batches wait for each other
    /// instead of deadlocking. The sessions share the transaction; every window a session kept
    /// (<see cref="AlertWindowSession.Save"/>) is written before the commit, on PostgreSQL in one statement.
    /// </summary>
    public async Task InWindowsAsync(IReadOnlyCollection<AlertWindowKey> keys, Func<IReadOnlyList<AlertWindowSession>, Task> work, CancellationToken cancellationToken)
    {
        var sorted = keys.DistinctBy(k => (k.AgentId, k.ProbeId)).OrderBy(k => k.AgentId, StringComparer.Ordinal).ThenBy(k => k.ProbeId, StringComparer.Ordinal).ToList();
        if (sorted.Count == 0)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        var parameters = new DynamicParameters();
        parameters.Add("Now", now);
        var rows = new List<string>();
        var pairs = new List<string>();
        for (var i = 0; i < sorted.Count; i++)
        {
            parameters.Add($"a{i}", sorted[i].AgentId);
            parameters.Add($"p{i}", sorted[i].ProbeId);
            parameters.Add($"s{i}", sorted[i].SiteId);
            parameters.Add($"k{i}", sorted[i].Kind);
            parameters.Add($"t{i}", sorted[i].Target);
            rows.Add($"(@a{i}, @p{i}, @s{i}, @k{i}, @t{i}, '[]', '[]', '[]', @Now)");
            pairs.Add($"(@a{i}, @p{i})");
        }

        var ensure = $"""
            INSERT INTO alert_windows (agent_id, probe_id, site_id, kind, target, entries, ever_passed, transitions, updated_at)
            VALUES {string.Join(", ", rows)}
            ON CONFLICT (agent_id, probe_id) DO NOTHING
            """;
        var postgres = database.Dialect == StorageDialect.PostgreSql;
        var select = $"""
            SELECT agent_id AS AgentId, probe_id AS ProbeId, site_id AS SiteId, kind AS Kind, target AS Target, entries AS Entries,
                   ever_passed AS EverPassed, transitions AS Transitions, last_change_started_at AS LastChangeStartedAt
            FROM alert_windows WHERE (agent_id, probe_id) IN ({string.Join(", ", pairs)})
            ORDER BY agent_id, probe_id{(postgres ? " FOR UPDATE" : "")}
            """;
        var open = $"{Columns} WHERE (agent_id, probe_id) IN ({string.Join(", ", pairs)}) AND state <> 'resolved'";

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ensure, parameters, transaction, cancellationToken: cancellationToken));
        var windows = await connection.QueryAsync<AlertWindowRow>(new CommandDefinition(select, parameters, transaction, cancellationToken: cancellationToken));
        var alerts = (await connection.QueryAsync<AlertRow>(new CommandDefinition(open, parameters, transaction, cancellationToken: cancellationToken)))
            .ToLookup(a => (a.AgentId, a.ProbeId));
        var sessions = windows
            .Select(w => new AlertWindowSession(connection, transaction, w, alerts[(w.AgentId, w.ProbeId)].ToList(), now, cancellationToken))
            .ToList();
        await work(sessions);
        await SaveWindowsAsync(connection, transaction, sessions.Where(s => s.Saved is not null).Select(s => s.Saved!).ToList(), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task SaveWindowsAsync(DbConnection connection, DbTransaction transaction, List<AlertWindowRow> windows, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (windows.Count == 0)
        {
            return;
        }

        if (database.Dialect != StorageDialect.PostgreSql)
        {
            // SQLite runs in-process: a statement per window costs no round trip.
            foreach (var window in windows)
            {
                await connection.ExecuteAsync(new CommandDefinition(AlertWindowSession.SaveSql, AlertWindowSession.SaveParameters(window, now), transaction, cancellationToken: cancellationToken));
            }

            return;
        }

        var parameters = new DynamicParameters();
        parameters.Add("Now", now);
        var values = new List<string>();
        for (var i = 0; i < windows.Count; i++)
        {
            var w = windows[i];
            parameters.Add($"a{i}", w.AgentId);
            parameters.Add($"p{i}", w.ProbeId);
            parameters.Add($"s{i}", w.SiteId);
            parameters.Add($"k{i}", w.Kind);
            parameters.Add($"t{i}", w.Target);
            parameters.Add($"e{i}", w.Entries);
            parameters.Add($"v{i}", w.EverPassed);
            parameters.Add($"x{i}", w.Transitions);
            parameters.Add($"c{i}", w.LastChangeStartedAt);
            values.Add($"(@a{i}, @p{i}, @s{i}, @k{i}, @t{i}, @e{i}, @v{i}, @x{i}, CAST(@c{i} AS timestamptz))");
        }

        var sql = $"""
            UPDATE alert_windows AS w SET site_id = v.site_id, kind = v.kind, target = v.target, entries = v.entries,
                ever_passed = v.ever_passed, transitions = v.transitions, last_change_started_at = v.last_change_started_at, updated_at = @Now
            FROM (VALUES {string.Join(", ", values)}) AS v (agent_id, probe_id, site_id, kind, target, entries, ever_passed, transitions, last_change_started_at)
            WHERE w.agent_id = v.agent_id AND w.probe_id = v.probe_id
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>Opens an alert outside a window (agent offline); null when one with the fingerprint is open already.</summary>
    public async Task<Guid?> OpenAsync(NewAlert alert, IReadOnlyList<string> channels, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await OpenAsync(connection, transaction, alert, channels, timeProvider.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return id;
    }

    /// <summary>Resolves the open alert with <paramref name="fingerprint"/>, if any.</summary>
    public async Task<bool> ResolveByFingerprintAsync(string fingerprint, string? actor, string? detail, IReadOnlyList<string> channels, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            "SELECT id FROM alerts WHERE fingerprint = @Fingerprint AND state <> 'resolved'", new { Fingerprint = fingerprint }, transaction, cancellationToken: cancellationToken));
        var resolved = id is { } alertId && await ResolveAsync(connection, transaction, alertId, actor, detail, channels, timeProvider.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return resolved;
    }

    /// <summary>Resolves an alert by hand (the Api); false when it is not open.</summary>
    public async Task<bool> ResolveAsync(Guid alertId, string? actor, string? comment, IReadOnlyList<string> channels, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var resolved = await ResolveAsync(connection, transaction, alertId, actor, comment, channels, timeProvider.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return resolved;
    }

    /// <summary>Firing → acknowledged, with who, when and why; false when the alert is not firing.</summary>
    public async Task<bool> AcknowledgeAsync(Guid alertId, string actor, string? comment, IReadOnlyList<string> channels, CancellationToken cancellationToken)
    {
        const string Sql = """
            UPDATE alerts SET state = 'acknowledged', acknowledged_by = @Actor, acknowledged_at = @Now, ack_comment = @Comment, updated_at = @Now
            WHERE id = @Id AND state = 'firing'
            """;
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(Sql, new { Id = alertId, Actor = actor, Comment = comment, Now = now }, transaction, cancellationToken: cancellationToken));
        if (rows == 1)
        {
            await HistoryAsync(connection, transaction, alertId, now, "acknowledged", actor, comment, cancellationToken);
            await QueueAsync(connection, transaction, alertId, channels, "acknowledged", now, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return rows == 1;
    }

    public async Task<AlertRow?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AlertRow>(new CommandDefinition(Columns + " WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
    }

    /// <summary>Alerts, newest first, filtered by any of site, class and state.</summary>
    public async Task<IReadOnlyList<AlertRow>> ListAsync(string? siteId, string? alertClass, string? state, int limit, CancellationToken cancellationToken)
    {
        var where = new List<string>();
        if (siteId is not null)
        {
            where.Add("site_id = @SiteId");
        }

        if (alertClass is not null)
        {
            where.Add("class = @Class");
        }

        if (state is not null)
        {
            where.Add("state = @State");
        }

        var sql = Columns + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY started_at DESC, id LIMIT @Limit";
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AlertRow>(new CommandDefinition(sql, new { SiteId = siteId, Class = alertClass, State = state, Limit = limit }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<IReadOnlyList<AlertHistoryRow>> HistoryAsync(Guid alertId, CancellationToken cancellationToken)
    {
        const string Sql = "SELECT id AS Id, alert_id AS AlertId, at AS At, event AS Event, actor AS Actor, detail AS Detail FROM alert_history WHERE alert_id = @Id ORDER BY id";
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AlertHistoryRow>(new CommandDefinition(Sql, new { Id = alertId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>Open alerts of the given fingerprint prefix (agent-offline alerts: <c>agent-offline|</c>).</summary>
    public async Task<IReadOnlyList<AlertRow>> ListOpenByAlertnameAsync(string alertname, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AlertRow>(new CommandDefinition(
            Columns + " WHERE alertname = @Alertname AND state <> 'resolved'", new { Alertname = alertname }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>
    /// Marks the firing alerts last notified before <paramref name="before"/> as notified now and queues a re-notification;
    /// the update decides, so two replicas never both re-notify one alert.
    /// </summary>
    public async Task<int> QueueRenotificationsAsync(DateTimeOffset before, IReadOnlyList<string> channels, CancellationToken cancellationToken)
    {
        const string Sql = """
            UPDATE alerts SET last_notified_at = @Now, notifications = notifications + 1
            WHERE state = 'firing' AND last_notified_at < @Before
            RETURNING id
            """;
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ids = (await connection.QueryAsync<Guid>(new CommandDefinition(Sql, new { Now = now, Before = before }, transaction, cancellationToken: cancellationToken))).AsList();
        foreach (var id in ids)
        {
            await QueueAsync(connection, transaction, id, channels, "renotify", now, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return ids.Count;
    }

    /// <summary>
    /// Records that <paramref name="silenceId"/> holds back the alert's notifications; the first time, also in its
    /// history. False when it was recorded already.
    /// </summary>
    public async Task<bool> MarkSilencedAsync(Guid alertId, Guid silenceId, CancellationToken cancellationToken)
    {
        const string Sql = "UPDATE alerts SET silenced_by = @SilenceId WHERE id = @Id AND (silenced_by IS NULL OR silenced_by <> @SilenceId)";
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(Sql, new { Id = alertId, SilenceId = silenceId }, transaction, cancellationToken: cancellationToken));
        if (rows > 0)
        {
            await HistoryAsync(connection, transaction, alertId, now, "silenced", null, $"silence {silenceId}", cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return rows > 0;
    }

    /// <summary>
    /// Marks every open alert that <paramref name="silence"/> matches and no other silence holds back as held back by it,
    /// with a history entry each, so the alert shows as silenced at once rather than at its next notification.
    /// </summary>
    public async Task<int> MarkSilencedByAsync(SilenceRow silence, CancellationToken cancellationToken)
    {
        var where = new List<string> { "state <> 'resolved'", "silenced_by IS NULL" };
        foreach (var (column, value) in new[] { ("site_id", silence.SiteId), ("agent_id", silence.AgentId), ("probe_id", silence.ProbeId), ("class", silence.Class), ("cause", silence.Cause) })
        {
            if (value is not null)
            {
                where.Add($"{column} = @{column}");
            }
        }

        var parameters = new DynamicParameters(new { SilenceId = silence.Id, site_id = silence.SiteId, agent_id = silence.AgentId, probe_id = silence.ProbeId, @class = silence.Class, cause = silence.Cause });
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ids = (await connection.QueryAsync<Guid>(new CommandDefinition(
            $"SELECT id FROM alerts WHERE {string.Join(" AND ", where)}", parameters, transaction, cancellationToken: cancellationToken))).AsList();
        var marked = 0;
        foreach (var id in ids)
        {
            if (await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE alerts SET silenced_by = @SilenceId WHERE id = @Id AND silenced_by IS NULL AND state <> 'resolved'",
                new { Id = id, SilenceId = silence.Id }, transaction, cancellationToken: cancellationToken)) == 1)
            {
                await HistoryAsync(connection, transaction, id, now, "silenced", null, $"silence {silence.Id}", cancellationToken);
                marked++;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return marked;
    }

    /// <summary>Open alerts whose notifications a silence held back.</summary>
    public async Task<IReadOnlyList<AlertRow>> ListOpenSilencedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AlertRow>(new CommandDefinition(
            Columns + " WHERE state <> 'resolved' AND silenced_by IS NOT NULL", cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>
    /// The silence <paramref name="silenceId"/> no longer holds the open alert back: it is notified as firing now on
    /// <paramref name="channels"/>. The update decides, so two replicas never both notify it.
    /// </summary>
    public async Task<bool> UnsilenceAsync(Guid alertId, Guid silenceId, IReadOnlyList<string> channels, CancellationToken cancellationToken)
    {
        const string Sql = """
            UPDATE alerts SET silenced_by = NULL, last_notified_at = @Now, notifications = notifications + 1
            WHERE id = @Id AND silenced_by = @SilenceId AND state <> 'resolved'
            """;
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(Sql, new { Id = alertId, SilenceId = silenceId, Now = now }, transaction, cancellationToken: cancellationToken));
        if (rows > 0)
        {
            await HistoryAsync(connection, transaction, alertId, now, "unsilenced", null, $"silence {silenceId} no longer applies", cancellationToken);
            await QueueAsync(connection, transaction, alertId, channels, "firing", now, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return rows > 0;
    }

    internal static async Task<Guid?> OpenAsync(
        DbConnection connection, DbTransaction transaction, NewAlert alert, IReadOnlyList<string> channels, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string Sql = """
            INSERT INTO alerts (id, fingerprint, alertname, site_id, agent_id, probe_id, rule_id, cause, class, severity, state, summary,
                                description, started_at, updated_at, last_notified_at, notifications, network, router, target)
            VALUES (@Id, @Fingerprint, @Alertname, @SiteId, @AgentId, @ProbeId, @RuleId, @Cause, @Class, @Severity, 'firing', @Summary,
                    @Description, @Now, @Now, @Now, 1, @Network, @Router, @Target)
            ON CONFLICT (fingerprint) WHERE state <> 'resolved' DO NOTHING
            """;
        var id = Guid.CreateVersion7(now);
        var rows = await connection.ExecuteAsync(new CommandDefinition(Sql, new
        {
            Id = id, alert.Fingerprint, alert.Alertname, alert.SiteId, alert.AgentId, alert.ProbeId, alert.RuleId, alert.Cause,
            alert.Class, alert.Severity, alert.Summary, alert.Description, Now = now, alert.Network, alert.Router, alert.Target,
        }, transaction, cancellationToken: cancellationToken));
        if (rows == 0)
        {
            return null;
        }

        await HistoryAsync(connection, transaction, id, now, "opened", null, alert.Description, cancellationToken);
        await QueueAsync(connection, transaction, id, channels, "firing", now, now + alert.HoldFor, cancellationToken);
        return id;
    }

    internal static async Task<bool> ResolveAsync(
        DbConnection connection, DbTransaction transaction, Guid alertId, string? actor, string? detail, IReadOnlyList<string> channels, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string Sql = "UPDATE alerts SET state = 'resolved', resolved_at = @Now, updated_at = @Now WHERE id = @Id AND state <> 'resolved'";
        var rows = await connection.ExecuteAsync(new CommandDefinition(Sql, new { Id = alertId, Now = now }, transaction, cancellationToken: cancellationToken));
        if (rows == 0)
        {
            return false;
        }

        await HistoryAsync(connection, transaction, alertId, now, "resolved", actor, detail, cancellationToken);
        await QueueAsync(connection, transaction, alertId, channels, "resolved", now, now, cancellationToken);
        return true;
    }

    internal static Task HistoryAsync(
        DbConnection connection, DbTransaction transaction, Guid alertId, DateTimeOffset at, string @event, string? actor, string? detail, CancellationToken cancellationToken)
    {
        const string Sql = "INSERT INTO alert_history (alert_id, at, event, actor, detail) VALUES (@AlertId, @At, @Event, @Actor, @Detail)";
        return connection.ExecuteAsync(new CommandDefinition(Sql, new { AlertId = alertId, At = at, Event = @event, Actor = actor, Detail = detail }, transaction, cancellationToken: cancellationToken));
    }

    internal static async Task QueueAsync(
        DbConnection connection, DbTransaction transaction, Guid alertId, IReadOnlyList<string> channels, string action, DateTimeOffset now,
        DateTimeOffset due, CancellationToken cancellationToken)
    {
        const string Sql = """
            INSERT INTO alert_notifications (alert_id, channel, action, status, attempts, created_at, next_attempt_at)
            VALUES (@AlertId, @Channel, @Action, 'pending', 0, @Now, @Due)
            """;
        foreach (var channel in channels)
        {
            await connection.ExecuteAsync(new CommandDefinition(Sql, new { AlertId = alertId, Channel = channel, Action = action, Now = now, Due = due }, transaction, cancellationToken: cancellationToken));
        }
    }
}
