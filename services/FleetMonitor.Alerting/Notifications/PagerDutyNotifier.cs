using FleetMonitor.Storage;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Alerting.Notifications;

/// <summary>
/// PagerDuty's Events API v2: <c>trigger</c> on firing (and re-notification), <c>acknowledge</c>, <c>resolve</c>, all
/// with the alert's id as <c>dedup_key</c>, so PagerDuty keeps one incident per alert.
/// </summary>
public sealed class PagerDutyNotifier(HttpClient http, IOptions<AlertingOptions> options, AlertLinks links) : IAlertNotifier
{
    public string Channel => NotificationChannels.PagerDuty;

    public Task DeliverAsync(AlertRow alert, string action, CancellationToken cancellationToken)
    {
        var pagerDuty = options.Value.PagerDuty;
        var dedupKey = $"fleetmonitor-{alert.Id}";
        object payload = action switch
        {
            "acknowledged" => new { routing_key = pagerDuty.RoutingKey, event_action = "acknowledge", dedup_key = dedupKey },
            "resolved" => new { routing_key = pagerDuty.RoutingKey, event_action = "resolve", dedup_key = dedupKey },
            _ => new
            {
                routing_key = pagerDuty.RoutingKey,
                event_action = "trigger",
                dedup_key = dedupKey,
                client = "FleetMonitor",
                client_url = links.Dashboard(alert),
                payload = new
                {
                    summary = alert.Summary.Length <= 1024 ? alert.Summary : alert.Summary[..1024],
                    source = alert.AgentId,
                    severity = Severity(alert.Severity),
                    timestamp = alert.StartedAt,
                    component = alert.ProbeId,
                    group = alert.SiteId,
                    @class = alert.Class,
                    custom_details = new { alertname = alert.Alertname, cause = alert.Cause, description = alert.Description },
                },
                links = new[] { new { href = links.Dashboard(alert), text = "FleetMonitor" } },
            },
        };
        return JsonPost.SendAsync(http, pagerDuty.Url, payload, "PagerDuty", cancellationToken);
    }

    /// <summary>PagerDuty's severities are critical, error, warning and info.</summary>
    private static string Severity(string severity) => severity is "critical" or "warning" or "info" ? severity : "error";
}
