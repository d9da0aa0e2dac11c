using System.Data.Common;
using Dapper;

namespace FleetMonitor.Storage;

/// <summary>
/// Agents' public networks and router models, and the grouped alerts over them: when many agents behind one public
/// network, with one router model, or failing one PBX or server target fail the same cause together, one alert names
/// the scope and the counts, and the members' own notifications are held.
/// </summary>
public sealed class CorrelationStore(Database database, TimeProvider timeProvider)
{
    /// <summary>The alert name of a grouped alert over one public network.</summary>
    public const string NetworkAlertname = "FleetMonitorNetworkOutage";

    /// <summary>The alert name of a grouped alert over one PBX or server target.</summary>
    public const string TargetAlertname = "FleetMonitorTargetOutage";

    /// <summary>The alert name of a grouped alert over one router model.</summary>
    public const string RouterAlertname = "FleetMonitorRouterModelFailure";

    /// <summary>Agents named in a grouped alert's description; the rest are counted.</summary>
    public const int NamedAgents = 10;

    /// <summary>Records the public network an agent was last seen behind.</summary>
    public Task RecordNetworkAsync(string agentId, string siteId, string network, CancellationToken cancellationToken) =>
        RecordAsync("alert_agent_networks", "network", agentId, siteId, network, cancellationToken);

    /// <summary>Records the router model (UPnP gateway) an agent was last seen behind.</summary>
    public Task RecordRouterAsync(string agentId, string siteId, string router, CancellationToken cancellationToken) =>
        RecordAsync("alert_agent_routers", "router", agentId, siteId, router, cancellationToken);

    /// <summary>
    /// The grouped alert <paramref name="alert"/> belongs to. Its scopes are tried in turn — public network, then PBX or
    /// server target, then router model: an open grouped alert for the scope and cause, or a new one when at least
    /// <paramref name="threshold"/> open alerts share them (its firing held for <paramref name="holdFor"/> so that the
    /// count it names is the count after the burst). Every open, ungrouped alert of that scope and cause joins it and its
    /// description is brought up to date. Null when the alert stands alone in every scope.
    /// </summary>
    public async Task<Guid?> GroupAsync(AlertRow alert, int threshold, TimeSpan holdFor, IReadOnlyList<string> channels, CancellationToken cancellationToken)
    {
        var scopes = CorrelationScope.All.Select(s => (Scope: s, Value: s.ValueOf(alert))).Where(s => s.Value is not null).ToList();
        if (scopes.Count == 0)
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (scope, value) in scopes)
        {
            var key = new { Value = value, alert.Cause, Fingerprint = $"{scope.Name}:{value}:{alert.Cause}" };
            var groupId = await OpenGroupAsync(connection, transaction, key, cancellationToken);
            if (groupId is null)
            {
                var open = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    $"SELECT count(*) FROM alerts WHERE {scope.Column} = @Value AND cause = @Cause AND state <> 'resolved' AND group_id IS NULL",
                    key, transaction, cancellationToken: cancellationToken));
                if (open < threshold)
                {
                    continue;
                }

                groupId = await AlertStore.OpenAsync(connection, transaction, new NewAlert
                {
                    Fingerprint = key.Fingerprint,
                    Alertname = scope.Alertname,
                    SiteId = alert.SiteId,
                    AgentId = $"{scope.Name} {value}",
                    ProbeId = alert.ProbeId,
                    RuleId = alert.RuleId,
                    Cause = alert.Cause,
                    Class = alert.Class,
                    Severity = alert.Severity,
                    Summary = $"{alert.Cause} fails on {open} agents {scope.Short(value!)}",
                    Description = $"{open} agents {scope.Long(value!)} fail {alert.Cause} together.",
                    HoldFor = holdFor,
                }, channels, now, cancellationToken) ?? await OpenGroupAsync(connection, transaction, key, cancellationToken);
            }

            await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE alerts SET group_id = @GroupId WHERE {scope.Column} = @Value AND cause = @Cause AND state <> 'resolved' AND group_id IS NULL",
                new { GroupId = groupId, Value = value, alert.Cause }, transaction, cancellationToken: cancellationToken));
            await DescribeAsync(connection, transaction, groupId!.Value, scope, value!, alert.Cause, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return groupId;
        }

        // Another dispatch may have founded the group and taken this alert into it after this one looked for an open
        // group and before it counted the ungrouped alerts: it then counted too few. The alert is told through that group.
        var joined = await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(
            "SELECT group_id FROM alerts WHERE id = @Id", new { alert.Id }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return joined;
    }

    /// <summary>Resolves the grouped alerts none of whose members is open any more; returns how many.</summary>
    public async Task<int> ResolveSettledGroupsAsync(IReadOnlyList<string> channels, CancellationToken cancellationToken)
    {
        const string Sql = """
            SELECT g.id FROM alerts g
            WHERE g.alertname IN (@Alertname0, @Alertname1, @Alertname2) AND g.state <> 'resolved'
              AND NOT EXISTS (SELECT 1 FROM alerts m WHERE m.group_id = g.id AND m.state <> 'resolved')
            """;
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var resolved = 0;
        foreach (var id in await connection.QueryAsync<Guid>(new CommandDefinition(Sql, new { Alertname0 = NetworkAlertname, Alertname1 = TargetAlertname, Alertname2 = RouterAlertname }, transaction, cancellationToken: cancellationToken)))
        {
            if (await AlertStore.ResolveAsync(connection, transaction, id, null, "every agent of the group met the policy again", channels, now, cancellationToken))
            {
                resolved++;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return resolved;
    }

    private static Task<Guid?> OpenGroupAsync(DbConnection connection, DbTransaction transaction, object key, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(
            "SELECT id FROM alerts WHERE fingerprint = @Fingerprint AND state <> 'resolved'", key, transaction, cancellationToken: cancellationToken));

    /// <summary>Upserts an agent's value into <paramref name="table"/> (a fixed name, never input), writing only when it changed.</summary>
    private async Task RecordAsync(string table, string column, string agentId, string siteId, string value, CancellationToken cancellationToken)
    {
        var sql = $"""
            INSERT INTO {table} (agent_id, site_id, {column}, updated_at) VALUES (@AgentId, @SiteId, @Value, @Now)
            ON CONFLICT (agent_id) DO UPDATE SET site_id = excluded.site_id, {column} = excluded.{column}, updated_at = excluded.updated_at
            WHERE {table}.{column} <> excluded.{column} OR {table}.site_id <> excluded.site_id
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { AgentId = agentId, SiteId = siteId, Value = value, Now = timeProvider.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    private static async Task DescribeAsync(DbConnection connection, DbTransaction transaction, Guid groupId, CorrelationScope scope, string value, string cause, CancellationToken cancellationToken)
    {
        var members = (await connection.QueryAsync<(string SiteId, string AgentId)>(new CommandDefinition(
            "SELECT site_id, agent_id FROM alerts WHERE group_id = @GroupId AND state <> 'resolved' ORDER BY agent_id",
            new { GroupId = groupId }, transaction, cancellationToken: cancellationToken))).AsList();
        var agents = members.Select(m => m.AgentId).Distinct(StringComparer.Ordinal).ToList();
        var sites = members.GroupBy(m => m.SiteId, StringComparer.Ordinal).Select(g => $"{g.Key}: {g.Select(m => m.AgentId).Distinct(StringComparer.Ordinal).Count()}");
        var named = string.Join(", ", agents.Take(NamedAgents)) + (agents.Count > NamedAgents ? $" and {agents.Count - NamedAgents} more" : "");
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE alerts SET summary = @Summary, description = @Description WHERE id = @Id",
            new
            {
                Id = groupId,
                Summary = $"{cause} fails on {agents.Count} agents {scope.Short(value)}",
                Description = $"{agents.Count} agents {scope.Long(value)} fail {cause} together (by site: {string.Join(", ", sites)}). "
                    + $"Their own pages are held in this alert. Agents: {named}.",
            }, transaction, cancellationToken: cancellationToken));
    }
}
