using System.Data.Common;
using Dapper;

namespace FleetMonitor.Storage;

/// <summary>
/// Agents' public networks and the grouped alerts over them: when many agents behind one public network fail the same
/// cause together, one alert names the scope and the counts, and the members' own notifications are held.
/// </summary>
public sealed class CorrelationStore(Database database, TimeProvider timeProvider)
{
    /// <summary>The alert name of a grouped alert.</summary>
    public const string NetworkAlertname = "FleetMonitorNetworkOutage";

    /// <summary>Agents named in a grouped alert's description; the rest are counted.</summary>
    public const int NamedAgents = 10;

    /// <summary>Records the public network an agent was last seen behind.</summary>
    public async Task RecordNetworkAsync(string agentId, string siteId, string network, CancellationToken cancellationToken)
    {
        const string Sql = """
            INSERT INTO alert_agent_networks (agent_id, site_id, network, updated_at) VALUES (@AgentId, @SiteId, @Network, @Now)
            ON CONFLICT (agent_id) DO UPDATE SET site_id = excluded.site_id, network = excluded.network, updated_at = excluded.updated_at
            WHERE alert_agent_networks.network <> excluded.network OR alert_agent_networks.site_id <> excluded.site_id
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Sql, new { AgentId = agentId, SiteId = siteId, Network = network, Now = timeProvider.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The grouped alert <paramref name="alert"/> belongs to: an open one for its network and cause, or a new one when
    /// at least <paramref name="threshold"/> open alerts share them (its firing held for <paramref name="holdFor"/> so
    /// that the count it names is the count after the burst). Every open alert of the network and cause joins it and
    /// its description is brought up to date. Null when the alert stands alone.
    /// </summary>
    public async Task<Guid?> GroupAsync(AlertRow alert, int threshold, TimeSpan holdFor, IReadOnlyList<string> channels, CancellationToken cancellationToken)
    {
        if (alert.Network is not { } network)
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        var fingerprint = $"network:{network}:{alert.Cause}";
        var key = new { Network = network, alert.Cause, Fingerprint = fingerprint, Alertname = NetworkAlertname };
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var groupId = await OpenGroupAsync(connection, transaction, key, cancellationToken);
        if (groupId is null)
        {
            var open = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT count(*) FROM alerts WHERE network = @Network AND cause = @Cause AND state <> 'resolved' AND alertname <> @Alertname",
                key, transaction, cancellationToken: cancellationToken));
            if (open < threshold)
            {
                await transaction.CommitAsync(cancellationToken);
                return null;
            }

            groupId = await AlertStore.OpenAsync(connection, transaction, new NewAlert
            {
                Fingerprint = fingerprint,
                Alertname = NetworkAlertname,
                SiteId = alert.SiteId,
                AgentId = $"network {network}",
                ProbeId = alert.ProbeId,
                RuleId = alert.RuleId,
                Cause = alert.Cause,
                Class = alert.Class,
                Severity = alert.Severity,
                Summary = $"{alert.Cause} fails on {open} agents behind {network}",
                Description = $"{open} agents behind the public network {network} fail {alert.Cause} together.",
                HoldFor = holdFor,
            }, channels, now, cancellationToken) ?? await OpenGroupAsync(connection, transaction, key, cancellationToken);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE alerts SET group_id = @GroupId WHERE network = @Network AND cause = @Cause AND state <> 'resolved' AND alertname <> @Alertname AND group_id IS NULL",
            new { GroupId = groupId, Network = network, alert.Cause, Alertname = NetworkAlertname }, transaction, cancellationToken: cancellationToken));
        await DescribeAsync(connection, transaction, groupId!.Value, network, alert.Cause, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return groupId;
    }

    /// <summary>Resolves the grouped alerts none of whose members is open any more; returns how many.</summary>
    public async Task<int> ResolveSettledGroupsAsync(IReadOnlyList<string> channels, CancellationToken cancellationToken)
    {
        const string Sql = """
            SELECT g.id FROM alerts g
            WHERE g.alertname = @Alertname AND g.state <> 'resolved'
              AND NOT EXISTS (SELECT 1 FROM alerts m WHERE m.group_id = g.id AND m.state <> 'resolved')
            """;
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var resolved = 0;
        foreach (var id in await connection.QueryAsync<Guid>(new CommandDefinition(Sql, new { Alertname = NetworkAlertname }, transaction, cancellationToken: cancellationToken)))
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

    private static async Task DescribeAsync(DbConnection connection, DbTransaction transaction, Guid groupId, string network, string cause, CancellationToken cancellationToken)
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
                Summary = $"{cause} fails on {agents.Count} agents behind {network}",
                Description = $"{agents.Count} agents behind the public network {network} fail {cause} together (by site: {string.Join(", ", sites)}). "
                    + $"Their own pages are held in this alert. Agents: {named}.",
            }, transaction, cancellationToken: cancellationToken));
    }
}
