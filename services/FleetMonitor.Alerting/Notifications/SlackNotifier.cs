using FleetMonitor.Storage;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Alerting.Notifications;

/// <summary>
/// A Slack incoming webhook: <c>text</c> (the fallback and notification line) and Block Kit <c>blocks</c> — a header,
/// the description, the facts as fields, and the dashboard link.
/// </summary>
public sealed class SlackNotifier(HttpClient http, IOptions<AlertingOptions> options, AlertLinks links) : IAlertNotifier
{
    public string Channel => NotificationChannels.Slack;

    public Task DeliverAsync(AlertRow alert, string action, CancellationToken cancellationToken)
    {
        var title = AlertText.Title(alert, action);
        var payload = new
        {
            text = title,
            blocks = new object[]
            {
                new { type = "header", text = new { type = "plain_text", text = Limit(title, 150) } },
                new { type = "section", text = new { type = "mrkdwn", text = Limit(alert.Description, 3000) } },
                new { type = "section", fields = AlertText.Facts(alert).Take(10).Select(f => new { type = "mrkdwn", text = Limit($"*{f.Label}*\n{f.Value}", 2000) }).ToArray() },
                new { type = "section", text = new { type = "mrkdwn", text = $"<{links.Dashboard(alert)}|Open in FleetMonitor>" } },
            },
        };
        return JsonPost.SendAsync(http, options.Value.Slack.Url!, payload, "Slack", cancellationToken);
    }

    private static string Limit(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
