using System.ComponentModel.DataAnnotations;

namespace FleetMonitor.Alerting;

/// <summary>Alertmanager's base URL (<c>http://alertmanager:9093</c>); alerts go to its v2 API. Empty: not used.</summary>
public sealed class AlertmanagerChannelOptions
{
    [Url]
    public string? Url { get; set; }
}
