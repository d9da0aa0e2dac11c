using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FleetMonitor.Storage;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Alerting.Notifications;

/// <summary>
/// A generic webhook: the alert as JSON, with <c>X-FleetMonitor-Timestamp</c> (Unix seconds) and
/// <c>X-FleetMonitor-Signature: sha256=&lt;hex HMAC-SHA256 of "timestamp.body" under the shared secret&gt;</c>.
/// </summary>
public sealed class WebhookNotifier(HttpClient http, IOptions<AlertingOptions> options, AlertLinks links, TimeProvider timeProvider) : IAlertNotifier
{
    public const string TimestampHeader = "X-FleetMonitor-Timestamp";
    public const string SignatureHeader = "X-FleetMonitor-Signature";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Channel => NotificationChannels.Webhook;

    public async Task DeliverAsync(AlertRow alert, string action, CancellationToken cancellationToken)
    {
        var payload = new
        {
            version = 1,
            action,
            alert = new
            {
                id = alert.Id,
                alertname = alert.Alertname,
                site = alert.SiteId,
                agent = alert.AgentId,
                probe = alert.ProbeId,
                @class = alert.Class,
                cause = alert.Cause,
                severity = alert.Severity,
                state = alert.State,
                summary = alert.Summary,
                description = alert.Description,
                startedAt = alert.StartedAt,
                resolvedAt = alert.ResolvedAt,
                acknowledgedBy = alert.AcknowledgedBy,
                dashboardUrl = links.Dashboard(alert),
            },
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(payload, Json);
        var timestamp = timeProvider.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Value.Webhook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, "sha256=" + Sign(options.Value.Webhook.Secret ?? "", timestamp, body));
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The webhook answered {(int)response.StatusCode}");
        }
    }

    /// <summary>Hex HMAC-SHA256 of <c>timestamp + "." + body</c>: what a receiver recomputes to check the sender.</summary>
    public static string Sign(string secret, string timestamp, byte[] body)
    {
        var signed = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp, signed);
        signed[timestamp.Length] = (byte)'.';
        body.CopyTo(signed, timestamp.Length + 1);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }
}
