using System.ComponentModel.DataAnnotations;

namespace FleetMonitor.Alerting;

/// <summary>
/// An incoming webhook of a chat service (Slack, Microsoft Teams): the URL is the secret, never logged. Empty: not used.
/// </summary>
public sealed class IncomingWebhookOptions
{
    [Url]
    public string? Url { get; set; }
}
