using System.ComponentModel.DataAnnotations;

namespace FleetMonitor.Alerting;

/// <summary>PagerDuty's Events API v2. The routing (integration) key is a secret, never logged. Empty key: not used.</summary>
public sealed class PagerDutyChannelOptions
{
    [Url]
    public string Url { get; set; } = "https://events.pagerduty.com/v2/enqueue";

    [StringLength(64, MinimumLength = 1)]
    public string? RoutingKey { get; set; }
}
