using FleetMonitor.Storage;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Alerting.Notifications;

/// <summary>
/// A Microsoft Teams incoming webhook (Workflows or the classic connector): a <c>message</c> whose one attachment is an
/// Adaptive Card (schema 1.4) with the title, the description, the facts and an "open" action.
/// </summary>
public sealed class TeamsNotifier(HttpClient http, IOptions<AlertingOptions> options, AlertLinks links) : IAlertNotifier
{
    public const string AdaptiveCardContentType = "application/vnd.microsoft.card.adaptive";

    public string Channel => NotificationChannels.Teams;

    public Task DeliverAsync(AlertRow alert, string action, CancellationToken cancellationToken)
    {
        var payload = new
        {
            type = "message",
            attachments = new[]
            {
                new
                {
                    contentType = AdaptiveCardContentType,
                    contentUrl = (string?)null,
                    content = new Dictionary<string, object>
                    {
                        ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                        ["type"] = "AdaptiveCard",
                        ["version"] = "1.4",
                        ["body"] = new object[]
                        {
                            new { type = "TextBlock", text = AlertText.Title(alert, action), weight = "Bolder", size = "Medium", wrap = true },
                            new { type = "TextBlock", text = alert.Description, wrap = true },
                            new { type = "FactSet", facts = AlertText.Facts(alert).Select(f => new { title = f.Label, value = f.Value }).ToArray() },
                        },
                        ["actions"] = new object[] { new { type = "Action.OpenUrl", title = "Open in FleetMonitor", url = links.Dashboard(alert) } },
                    },
                },
            },
        };
        return JsonPost.SendAsync(http, options.Value.Teams.Url!, payload, "Teams", cancellationToken);
    }
}
