using System.Text.Json;
using FleetMonitor.Alerting.Tests.Support;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;

namespace FleetMonitor.Alerting.Tests.EndToEnd;

/// <summary>
/// Slack and Teams incoming webhooks, PagerDuty's Events API v2 (in-process receivers checking the payloads against the
/// providers' documented shapes) and e-mail through a real SMTP server (Debian's aiosmtpd): firing, acknowledge and
/// resolve of one alert through RabbitMQ and PostgreSQL, receivers that fail first (retried, counted), no secret logged.
/// </summary>
public sealed class DirectChannelTests
{
    private const string SlackSecret = "T0FLEET/B0FLEET/slack-secret-token";
    private const string TeamsSecret = "teams-secret-signature";
    private const string RoutingKey = "R0UT1NGKEYSECRETfleetmonitor0001";
    private static readonly string[] PagerDutySeverities = ["critical", "error", "warning", "info"];

    [Fact]
    public async Task Slack_teams_pagerduty_and_email_are_sent_retried_and_keep_their_secrets()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Status = 500;
        await using var smtp = await SmtpServerProcess.StartAsync();
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        var (alerting, _) = await AlertingProcess.StartAsync(vhost, database, new Dictionary<string, string>
        {
            ["Alerting:Slack:Url"] = new Uri(receiver.Address, "/slack/services/" + SlackSecret).ToString(),
            ["Alerting:Teams:Url"] = new Uri(receiver.Address, "/teams/webhookb2/" + TeamsSecret).ToString(),
            ["Alerting:PagerDuty:Url"] = new Uri(receiver.Address, "/pagerduty/v2/enqueue").ToString(),
            ["Alerting:PagerDuty:RoutingKey"] = RoutingKey,
            ["Alerting:Email:Host"] = "127.0.0.1",
            ["Alerting:Email:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Alerting:Email:Security"] = "None",
            ["Alerting:Email:From"] = "fleetmonitor@fleet.example.net",
            ["Alerting:Email:To:0"] = "noc@example.net",
        });
        await using var _alerting = alerting;
        await using var agent = await AgentPublisher.ConnectAsync(vhost);
        for (var run = 0; run < 3; run++)
        {
            await agent.PublishAsync(Results.Make("agent-d", "pbx-tcp", "tcp", run, ProbeOutcome.Failed));
        }

        // The three HTTP receivers answer 500: retried with back-off; e-mail goes through at once.
        string[] http = ["slack", "teams", "pagerduty"];
        await Eventually.WaitAsync(() => Task.FromResult(receiver.Requests.ToList()),
            r => http.All(c => r.Count(x => x.Path.StartsWith($"/{c}/", StringComparison.Ordinal)) >= 2), TimeSpan.FromSeconds(60), "two attempts on each HTTP receiver");
        await Eventually.WaitAsync(() => Task.FromResult(smtp.Messages()), m => m.Count == 1, TimeSpan.FromSeconds(60), "the firing e-mail while the HTTP receivers fail");
        receiver.Status = 200;
        var accepted = receiver.Requests.Count;
        await Eventually.WaitAsync(() => Task.FromResult(receiver.Requests.Skip(accepted).ToList()),
            r => http.All(c => r.Any(x => x.Path.StartsWith($"/{c}/", StringComparison.Ordinal))), TimeSpan.FromSeconds(60), "the firing accepted on each HTTP receiver");

        var alertId = Guid.Parse(await QueryScalarAsync(database, "SELECT id::text FROM alerts"));
        var store = new AlertStore(database.Database, TimeProvider.System);
        Assert.True(await store.AcknowledgeAsync(alertId, "noc-anna", "on it", ["slack", "teams", "pagerduty", "email"], CancellationToken.None));
        await agent.PublishAsync(Results.Make("agent-d", "pbx-tcp", "tcp", 3, ProbeOutcome.Ok));
        await agent.PublishAsync(Results.Make("agent-d", "pbx-tcp", "tcp", 4, ProbeOutcome.Ok));
        await Eventually.WaitAsync(() => QueryScalarAsync(database, "SELECT count(*)::text FROM alert_notifications WHERE status = 'delivered'"),
            n => n == "12", TimeSpan.FromSeconds(90), "firing, acknowledged and resolved delivered on four channels");

        var accepted2xx = receiver.Requests.Skip(accepted).ToList();
        CheckSlack(accepted2xx.Where(r => r.Path == "/slack/services/" + SlackSecret).ToList());
        CheckTeams(accepted2xx.Where(r => r.Path == "/teams/webhookb2/" + TeamsSecret).ToList());
        CheckPagerDuty(accepted2xx.Where(r => r.Path == "/pagerduty/v2/enqueue").ToList(), alertId);
        var mails = smtp.Messages();
        Assert.Equal(["[FIRING]", "[ACKNOWLEDGED]", "[RESOLVED]"], mails.Select(m => m.Subject!.Split(' ')[0]));
        Assert.All(mails, m => Assert.Equal(("fleetmonitor@fleet.example.net", "noc@example.net", alertId.ToString()),
            (m.From.Mailboxes.Single().Address, m.To.Mailboxes.Single().Address, m.Headers["X-FleetMonitor-Alert"])));
        Assert.Contains("agent-d", mails[0].TextBody, StringComparison.Ordinal);

        // Every outcome counted; the failed attempts stored with the receiver's answer; no secret in the log.
        using var client = new HttpClient { BaseAddress = await alerting.ListeningAddressAsync(TimeSpan.FromSeconds(5)) };
        var metrics = await client.GetStringAsync("/metrics");
        foreach (var channel in http)
        {
            Assert.Contains($"fleetmonitor_alerting_notifications_total{{channel=\"{channel}\",outcome=\"retry\"}}", metrics, StringComparison.Ordinal);
            Assert.Contains($"fleetmonitor_alerting_notifications_total{{channel=\"{channel}\",outcome=\"delivered\"}} 3", metrics, StringComparison.Ordinal);
        }

        Assert.Contains("fleetmonitor_alerting_notifications_total{channel=\"email\",outcome=\"delivered\"} 3", metrics, StringComparison.Ordinal);
        Assert.Equal("3", await QueryScalarAsync(database, "SELECT count(*)::text FROM alert_notifications WHERE action = 'firing' AND channel IN ('slack', 'teams', 'pagerduty') AND attempts >= 3"));
        var log = alerting.Output;
        Assert.Contains("answered 500", log, StringComparison.Ordinal);
        foreach (var secret in new[] { "slack-secret-token", TeamsSecret, RoutingKey })
        {
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }
    }

    /// <summary>Slack incoming webhook: <c>text</c> required; Block Kit header (plain_text ≤ 150), sections (text or ≤ 10 fields).</summary>
    private static void CheckSlack(List<ReceivedRequest> requests)
    {
        Assert.Equal(3, requests.Count);
        Assert.Equal(["[FIRING]", "[ACKNOWLEDGED]", "[RESOLVED]"], requests.Select(r => Json(r).GetProperty("text").GetString()!.Split(' ')[0]));
        foreach (var root in requests.Select(Json))
        {
            foreach (var block in root.GetProperty("blocks").EnumerateArray())
            {
                switch (block.GetProperty("type").GetString())
                {
                    case "header":
                        Assert.Equal("plain_text", block.GetProperty("text").GetProperty("type").GetString());
                        Assert.InRange(block.GetProperty("text").GetProperty("text").GetString()!.Length, 1, 150);
                        break;
                    case "section":
                        Assert.True(block.TryGetProperty("text", out _) || block.GetProperty("fields").GetArrayLength() is > 0 and <= 10);
                        break;
                    default:
                        Assert.Fail($"unexpected block {block}");
                        break;
                }
            }
        }
    }

    /// <summary>Teams: a <c>message</c> with one Adaptive Card attachment (type, version, body of TextBlock/FactSet).</summary>
    private static void CheckTeams(List<ReceivedRequest> requests)
    {
        Assert.Equal(3, requests.Count);
        foreach (var root in requests.Select(Json))
        {
            Assert.Equal("message", root.GetProperty("type").GetString());
            var attachment = Assert.Single(root.GetProperty("attachments").EnumerateArray());
            Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
            var card = attachment.GetProperty("content");
            Assert.Equal(("AdaptiveCard", "1.4"), (card.GetProperty("type").GetString(), card.GetProperty("version").GetString()));
            Assert.All(card.GetProperty("body").EnumerateArray(), e => Assert.Contains(e.GetProperty("type").GetString(), new[] { "TextBlock", "FactSet" }));
        }
    }

    /// <summary>PagerDuty Events API v2: routing_key, event_action, dedup_key; a trigger's payload has summary, source, severity.</summary>
    private static void CheckPagerDuty(List<ReceivedRequest> requests, Guid alertId)
    {
        var events = requests.Select(Json).ToList();
        Assert.Equal(["trigger", "acknowledge", "resolve"], events.Select(e => e.GetProperty("event_action").GetString()));
        Assert.All(events, e => Assert.Equal((RoutingKey, $"fleetmonitor-{alertId}"), (e.GetProperty("routing_key").GetString(), e.GetProperty("dedup_key").GetString())));
        Assert.All(requests, r => Assert.StartsWith("application/json", r.Headers["Content-Type"], StringComparison.Ordinal));
        var payload = events[0].GetProperty("payload");
        Assert.InRange(payload.GetProperty("summary").GetString()!.Length, 1, 1024);
        Assert.Equal("agent-d", payload.GetProperty("source").GetString());
        Assert.Contains(payload.GetProperty("severity").GetString(), PagerDutySeverities);
    }

    private static JsonElement Json(ReceivedRequest request) => JsonDocument.Parse(request.Body).RootElement;

    private static async Task<string> QueryScalarAsync(TestDatabase database, string sql)
    {
        await using var db = await database.Database.OpenAsync(CancellationToken.None);
        return await Dapper.SqlMapper.ExecuteScalarAsync<string>(db, sql) ?? "";
    }
}
