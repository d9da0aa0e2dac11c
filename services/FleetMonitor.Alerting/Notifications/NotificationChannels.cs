using Microsoft.Extensions.Options;

namespace FleetMonitor.Alerting.Notifications;

/// <summary>The channel names configured in this deployment; every alert change is queued once per channel.</summary>
public sealed class NotificationChannels(IOptions<AlertingOptions> options)
{
    public const string Alertmanager = "alertmanager";
    public const string Webhook = "webhook";
    public const string Slack = "slack";
    public const string Teams = "teams";
    public const string PagerDuty = "pagerduty";
    public const string Email = "email";

    public IReadOnlyList<string> All { get; } = Build(options.Value);

    /// <summary>The channels that want re-notifications (Alertmanager is re-posted by the refresher instead).</summary>
    public IReadOnlyList<string> Direct => All.Where(c => c != Alertmanager).ToList();

    private static List<string> Build(AlertingOptions options)
    {
        var channels = new List<string>();
        if (!string.IsNullOrEmpty(options.Alertmanager.Url))
        {
            channels.Add(Alertmanager);
        }

        if (!string.IsNullOrEmpty(options.Webhook.Url))
        {
            channels.Add(Webhook);
        }

        if (!string.IsNullOrEmpty(options.Slack.Url))
        {
            channels.Add(Slack);
        }

        if (!string.IsNullOrEmpty(options.Teams.Url))
        {
            channels.Add(Teams);
        }

        if (!string.IsNullOrEmpty(options.PagerDuty.RoutingKey))
        {
            channels.Add(PagerDuty);
        }

        if (!string.IsNullOrEmpty(options.Email.Host))
        {
            channels.Add(Email);
        }

        return channels;
    }
}
