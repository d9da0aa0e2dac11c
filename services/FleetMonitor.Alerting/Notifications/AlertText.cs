using FleetMonitor.Storage;

namespace FleetMonitor.Alerting.Notifications;

/// <summary>The words of a chat message or e-mail about one alert change.</summary>
public static class AlertText
{
    /// <summary>"FIRING", "STILL FIRING", "ACKNOWLEDGED" or "RESOLVED".</summary>
    public static string Verb(string action) => action switch
    {
        "firing" => "FIRING",
        "renotify" => "STILL FIRING",
        "acknowledged" => "ACKNOWLEDGED",
        "resolved" => "RESOLVED",
        _ => action.ToUpperInvariant(),
    };

    /// <summary>One line: <c>[FIRING] critical broken at site-a: the summary</c>.</summary>
    public static string Title(AlertRow alert, string action) => $"[{Verb(action)}] {alert.Severity} {alert.Class} at {alert.SiteId}: {alert.Summary}";

    /// <summary>The facts as label/value pairs, in the order shown.</summary>
    public static IReadOnlyList<(string Label, string Value)> Facts(AlertRow alert) =>
    [
        ("Alert", alert.Alertname),
        ("Site", alert.SiteId),
        ("Agent", alert.AgentId),
        ("Probe", alert.ProbeId),
        ("Class", alert.Class),
        ("Cause", alert.Cause),
        ("Severity", alert.Severity),
        ("State", alert.State + (alert.AcknowledgedBy is null ? "" : $" (acknowledged by {alert.AcknowledgedBy})")),
        ("Since", alert.StartedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture)),
    ];
}
