using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using FleetMonitor.Alerting.Tests.Api;
using FleetMonitor.Alerting.Tests.Support;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;

namespace FleetMonitor.Alerting.Tests.EndToEnd;

/// <summary>
/// Silences created through the Api (audited) → the Alerting process holds back every notification of the alerts they
/// match: nothing reaches Alertmanager's receiver or the webhook, the alert shows as silenced; expired, it pages.
/// </summary>
public sealed class SilenceTests
{
    [Fact]
    public async Task Nothing_reaches_any_receiver_during_a_silence_and_the_alert_shows_as_silenced()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var alertmanager = await AlertmanagerProcess.StartAsync(receiver.Address);
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var api = await ApiHost.StartAsync(database);
        var settings = WebhookPayloads.Settings(receiver);
        settings["Alerting:Alertmanager:Url"] = alertmanager.Address.ToString();
        var (alerting, _) = await AlertingProcess.StartAsync(vhost, database, settings);
        await using var _alerting = alerting;
        await using var agent = await AgentPublisher.ConnectAsync(vhost);

        // A cron that does not parse: 400 naming the field, nothing saved.
        using var bad = await api.Client.PostAsJsonAsync("/api/silences", new { agentId = "agent-night", cron = "every night", durationMinutes = 60, comment = "backups" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.True(JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty("cron", out _));
        Assert.Equal(0, await CountAsync(database, "SELECT count(*) FROM alert_silences"));

        // A one-off maintenance window for one agent, and a recurring one (every minute, two minutes long: always on).
        var windowId = await CreateAsync(api, new { agentId = "agent-quiet", endsAt = TimeProvider.System.GetUtcNow().AddHours(1), comment = "router swap" });
        var nightlyId = await CreateAsync(api, new { siteId = "site-a", agentId = "agent-night", cron = "0 * * ? * *", durationMinutes = 2, comment = "nightly backups" });
        await using (var db = await database.Database.OpenAsync(CancellationToken.None))
        {
            var audit = (await db.QueryAsync<(string Action, string Target)>("SELECT action, target FROM audit_log ORDER BY id")).ToList();
            Assert.Equal([("silence.create", $"silence:{windowId}"), ("silence.create", $"silence:{nightlyId}")], audit);
        }

        // Three agents regress; two are silenced.
        for (var run = 0; run < 3; run++)
        {
            foreach (var agentId in new[] { "agent-quiet", "agent-night", "agent-loud" })
            {
                await agent.PublishAsync(Results.Make(agentId, "pbx-tcp", "tcp", run, ProbeOutcome.Failed));
            }
        }

        // The unsilenced agent pages through both receivers; the silenced ones' notifications are held back on both
        // channels; Alerting then posts to Alertmanager three more times (refresh rounds that would carry them).
        await Eventually.WaitAsync(() => Task.FromResult(AlertmanagerTests.AlertmanagerAlerts(receiver)), a => a.Any(x => x.Labels["agent"] == "agent-loud"), TimeSpan.FromSeconds(90), "Alertmanager paging agent-loud");
        await Eventually.WaitAsync(() => Task.FromResult(WebhookPayloads.Read(receiver)), p => p.Any(x => x.Agent == "agent-loud"), TimeSpan.FromSeconds(60), "the webhook paging agent-loud");
        await Eventually.WaitAsync(
            () => CountAsync(database, "SELECT count(*) FROM alert_notifications n JOIN alerts a ON a.id = n.alert_id WHERE a.agent_id IN ('agent-quiet', 'agent-night') AND n.status = 'silenced'"),
            n => n == 4, TimeSpan.FromSeconds(60), "both silenced alerts held back on both channels");
        var posts = await AlertmanagerTests.PostsToAlertmanagerAsync(alerting);
        await Eventually.WaitAsync(() => AlertmanagerTests.PostsToAlertmanagerAsync(alerting), n => n >= posts + 3, TimeSpan.FromSeconds(60), "three more refresh rounds");

        string[] silenced = ["agent-quiet", "agent-night"];
        Assert.DoesNotContain(AlertmanagerTests.AlertmanagerAlerts(receiver), a => silenced.Contains(a.Labels["agent"]));
        Assert.DoesNotContain(WebhookPayloads.Read(receiver), p => silenced.Contains(p.Agent));
        var alerts = JsonDocument.Parse(await api.Client.GetStringAsync("/api/alerts?site=site-a")).RootElement.EnumerateArray()
            .ToDictionary(a => a.GetProperty("agentId").GetString()!, a => a.TryGetProperty("silencedBy", out var by) && by.ValueKind == JsonValueKind.String ? by.GetGuid() : (Guid?)null);
        Assert.Equal(windowId, alerts["agent-quiet"]);
        Assert.Equal(nightlyId, alerts["agent-night"]);
        Assert.Null(alerts["agent-loud"]);
        Assert.Contains("fleetmonitor_alerting_notifications_total{channel=\"webhook\",outcome=\"silenced\"}", await MetricsAsync(alerting), StringComparison.Ordinal);

        // The window is ended early (audited): its agent now pages on both; the recurring one stays quiet.
        using var expire = await api.Client.DeleteAsync($"/api/silences/{windowId}");
        Assert.Equal(HttpStatusCode.OK, expire.StatusCode);
        await Eventually.WaitAsync(() => Task.FromResult(AlertmanagerTests.AlertmanagerAlerts(receiver)), a => a.Any(x => x.Labels["agent"] == "agent-quiet" && x.Status == "firing"), TimeSpan.FromSeconds(60), "Alertmanager paging agent-quiet after its silence");
        await Eventually.WaitAsync(() => Task.FromResult(WebhookPayloads.Read(receiver)), p => p.Any(x => x.Agent == "agent-quiet" && x.Action == "firing"), TimeSpan.FromSeconds(60), "the webhook paging agent-quiet after its silence");
        Assert.DoesNotContain(WebhookPayloads.Read(receiver), p => p.Agent == "agent-night");
        Assert.DoesNotContain(AlertmanagerTests.AlertmanagerAlerts(receiver), a => a.Labels["agent"] == "agent-night");
        await using (var db = await database.Database.OpenAsync(CancellationToken.None))
        {
            Assert.Equal("silence.expire", await db.ExecuteScalarAsync<string>("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1"));
            Assert.Equal(["opened", "silenced", "unsilenced"], await db.QueryAsync<string>(
                "SELECT h.event FROM alert_history h JOIN alerts a ON a.id = h.alert_id WHERE a.agent_id = 'agent-quiet' ORDER BY h.id"));
        }
    }

    private static async Task<Guid> CreateAsync(ApiHost api, object body)
    {
        using var response = await api.Client.PostAsJsonAsync("/api/silences", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var created = JsonDocument.Parse(text).RootElement;
        Assert.True(created.GetProperty("active").GetBoolean());
        return created.GetProperty("silence").GetProperty("id").GetGuid();
    }

    private static async Task<string> MetricsAsync(ChildProcess process)
    {
        using var http = new HttpClient { BaseAddress = await process.ListeningAddressAsync(TimeSpan.FromSeconds(5)) };
        return await http.GetStringAsync("/metrics");
    }

    private static async Task<long> CountAsync(TestDatabase database, string sql)
    {
        await using var db = await database.Database.OpenAsync(CancellationToken.None);
        return await db.ExecuteScalarAsync<long>(sql);
    }
}
