using System.Text.Json.Serialization;
using FleetMonitor.Storage;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Alerting.Notifications;

/// <summary>
/// Posts alerts to Alertmanager's v2 API (<c>POST /api/v2/alerts</c>) as they are at delivery time: open without
/// <c>endsAt</c> (re-posted every refresh so Alertmanager keeps it), resolved with <c>endsAt</c>. Routing, grouping,
/// inhibition and receivers are Alertmanager's.
/// </summary>
public sealed class AlertmanagerNotifier(HttpClient http, IOptions<AlertingOptions> options, AlertLinks links) : IAlertNotifier
{
    public string Channel => NotificationChannels.Alertmanager;

    public Task DeliverAsync(AlertRow alert, string action, CancellationToken cancellationToken) =>
        // Acknowledging is not an Alertmanager state: its silences do that. The alert stays active there.
        action == "acknowledged" ? Task.CompletedTask : PostAsync([ToPostable(alert)], cancellationToken);

    public async Task PostAsync(IReadOnlyList<PostableAlert> alerts, CancellationToken cancellationToken)
    {
        var url = new Uri(new Uri(options.Value.Alertmanager.Url!.TrimEnd('/') + "/"), "api/v2/alerts");
        using var response = await http.PostAsJsonAsync(url, alerts, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"Alertmanager answered {(int)response.StatusCode}: {(body.Length > 300 ? body[..300] : body)}");
        }
    }

    public PostableAlert ToPostable(AlertRow alert) => new()
    {
        Labels = new Dictionary<string, string>
        {
            ["alertname"] = alert.Alertname,
            ["site"] = alert.SiteId,
            ["agent"] = alert.AgentId,
            ["probe"] = alert.ProbeId,
            ["class"] = alert.Class,
            ["cause"] = alert.Cause,
            ["severity"] = alert.Severity,
        },
        Annotations = new Dictionary<string, string>
        {
            ["summary"] = alert.Summary,
            ["description"] = alert.Description,
            ["runbook_url"] = links.Runbook(alert),
            ["dashboard_url"] = links.Dashboard(alert),
        },
        StartsAt = alert.StartedAt,
        EndsAt = alert.State == AlertStates.Resolved ? alert.ResolvedAt ?? alert.UpdatedAt : null,
        GeneratorUrl = links.Dashboard(alert),
    };

    /// <summary>One alert in Alertmanager's v2 <c>postableAlerts</c> schema.</summary>
    public sealed record PostableAlert
    {
        [JsonPropertyName("labels")]
        public required IReadOnlyDictionary<string, string> Labels { get; init; }

        [JsonPropertyName("annotations")]
        public required IReadOnlyDictionary<string, string> Annotations { get; init; }

        [JsonPropertyName("startsAt")]
        public DateTimeOffset StartsAt { get; init; }

        [JsonPropertyName("endsAt")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public DateTimeOffset? EndsAt { get; init; }

        [JsonPropertyName("generatorURL")]
        public required string GeneratorUrl { get; init; }
    }
}
