using System.Text;
using System.Text.Json;
using FleetMonitor.Alerting.Notifications;
using FleetMonitor.Alerting.Tests.Support;

namespace FleetMonitor.Alerting.Tests.EndToEnd;

/// <summary>Reads what the generic webhook received, checking each request's HMAC signature on the way.</summary>
internal static class WebhookPayloads
{
    public const string Secret = "test-webhook-secret";

    public static List<(string Action, Guid AlertId, string Alertname, string Agent)> Read(HttpReceiver receiver) =>
        receiver.Requests.Where(r => r.Path == "/hook").Select(r =>
        {
            var timestamp = r.Headers[WebhookNotifier.TimestampHeader];
            Assert.Equal("sha256=" + WebhookNotifier.Sign(Secret, timestamp, Encoding.UTF8.GetBytes(r.Body)), r.Headers[WebhookNotifier.SignatureHeader]);
            var root = JsonDocument.Parse(r.Body).RootElement;
            var alert = root.GetProperty("alert");
            return (root.GetProperty("action").GetString()!, alert.GetProperty("id").GetGuid(), alert.GetProperty("alertname").GetString()!, alert.GetProperty("agent").GetString()!);
        }).ToList();

    public static Dictionary<string, string> Settings(HttpReceiver receiver) => new()
    {
        ["Alerting:Webhook:Url"] = new Uri(receiver.Address, "/hook").ToString(),
        ["Alerting:Webhook:Secret"] = Secret,
    };
}
