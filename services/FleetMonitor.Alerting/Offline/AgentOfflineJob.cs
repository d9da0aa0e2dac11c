using FleetMonitor.Alerting.Evaluation;
using FleetMonitor.Alerting.Notifications;
using FleetMonitor.Alerting.Policies;
using FleetMonitor.Storage;
using Quartz;

namespace FleetMonitor.Alerting.Offline;

/// <summary>
/// Raises agent-offline when an agent's last heartbeat is older than its site's missed-heartbeats × interval, and
/// resolves it when heartbeats come back. On the clustered job store one replica runs it at a time; the alerts' unique
/// open fingerprint makes a second run harmless anyway.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class AgentOfflineJob(
    AgentStore agents, AlertStore alerts, PolicyProvider policies, NotificationChannels channels, NotificationSignal signal,
    AlertingMetrics metrics, TimeProvider timeProvider, ILogger<AgentOfflineJob> logger) : IJob
{
    public const string AgentProbe = "-";

    public async Task Execute(IJobExecutionContext context)
    {
        var cancellationToken = context.CancellationToken;
        var now = timeProvider.GetUtcNow();
        var open = (await alerts.ListOpenByAlertnameAsync(AlertCauses.AgentOfflineAlert, cancellationToken)).ToDictionary(a => a.AgentId, StringComparer.Ordinal);
        var changed = false;
        foreach (var agent in await agents.ListAsync(null, cancellationToken))
        {
            var settings = (await policies.GetAsync(agent.SiteId, cancellationToken)).AgentOffline;
            var interval = TimeSpan.FromSeconds(settings?.HeartbeatIntervalSeconds ?? AgentOfflineSettings.DefaultHeartbeatIntervalSeconds);
            var allowed = interval * (settings?.MissedHeartbeats ?? AgentOfflineSettings.DefaultMissedHeartbeats);
            var last = agent.LastHeartbeatAt ?? agent.LastSeenAt;
            var offline = AgentOfflineRule.IsOffline(settings, last, now);
            if (offline && !open.ContainsKey(agent.Id))
            {
                var alert = new NewAlert
                {
                    Fingerprint = AlertCauses.Fingerprint(agent.Id, AgentProbe, AlertCauses.AgentOffline),
                    Alertname = AlertCauses.AgentOfflineAlert,
                    SiteId = agent.SiteId,
                    AgentId = agent.Id,
                    ProbeId = AgentProbe,
                    RuleId = AlertCauses.AgentOffline,
                    Cause = AlertCauses.AgentOffline,
                    Class = AlertClasses.Broken,
                    Severity = settings?.Severity ?? Severities.Warning,
                    Summary = $"Agent {agent.Id} at {agent.SiteId} is offline",
                    Description = $"No heartbeat from {agent.Id} ({agent.Hostname ?? "unknown host"}) since {last:u}, more than {allowed.TotalSeconds:0} s ({settings?.MissedHeartbeats ?? AgentOfflineSettings.DefaultMissedHeartbeats} × {interval.TotalSeconds:0} s).",
                };
                if (await alerts.OpenAsync(alert, channels.All, cancellationToken) is not null)
                {
                    metrics.AlertOpened(alert.Class, alert.Alertname);
                    LogOffline(agent.Id, agent.SiteId, last);
                    changed = true;
                }
            }
            else if (!offline && open.ContainsKey(agent.Id)
                && await alerts.ResolveByFingerprintAsync(AlertCauses.Fingerprint(agent.Id, AgentProbe, AlertCauses.AgentOffline), null, "heartbeats are back", channels.All, cancellationToken))
            {
                metrics.AlertResolved(AlertClasses.Broken);
                changed = true;
            }
        }

        if (changed)
        {
            signal.Wake();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {AgentId} of site {SiteId} is offline (last heartbeat {LastHeartbeat})")]
    private partial void LogOffline(string agentId, string siteId, DateTimeOffset lastHeartbeat);
}
