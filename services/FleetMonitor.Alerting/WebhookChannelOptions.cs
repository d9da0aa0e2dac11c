using System.ComponentModel.DataAnnotations;

namespace FleetMonitor.Alerting;

/// <summary>A generic webhook: JSON posted to <see cref="Url"/>, signed with HMAC-SHA256 over timestamp and body. Empty: not used.</summary>
public sealed class WebhookChannelOptions
{
    [Url]
    public string? Url { get; set; }

    /// <summary>The shared HMAC key; never logged.</summary>
    public string? Secret { get; set; }
}
