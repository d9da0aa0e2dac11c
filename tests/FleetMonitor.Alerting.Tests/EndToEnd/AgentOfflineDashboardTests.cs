using System.Text;
using System.Text.Json;
using Dapper;
using FleetMonitor.Alerting.Policies;
using FleetMonitor.Alerting.Tests.Api;
using FleetMonitor.Alerting.Tests.Support;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;
using Xunit.Abstractions;

namespace FleetMonitor.Alerting.Tests.EndToEnd;

/// <summary>
/// Heartbeats through RabbitMQ → the Ingestion process → PostgreSQL; one agent stops: the Alerting process pages agent-offline and
/// the Api's fleet view (what the dashboard draws) shows that agent offline and the other one not; a heartbeat resolves both.
/// </summary>
public sealed class AgentOfflineDashboardTests(ITestOutputHelper output)
{
    private const string Site = "site-hb";

    [Fact]
    public async Task An_agent_whose_heartbeats_stop_is_paged_offline_and_shown_offline_by_the_fleet_view()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var api = await ApiHost.StartAsync(database, new Dictionary<string, string?> { ["Fleet:OfflineAfter"] = "00:00:15" });
        await PolicyApiTests.CreateSiteAsync(api, Site);

        // The site's agents beat every 5 s and are offline after 3 missed beats: 15 s, the fleet view's setting too.
        var policy = DefaultPolicy.Create();
        policy.AgentOffline = new AgentOfflineSettings { Enabled = true, HeartbeatIntervalSeconds = 5, MissedHeartbeats = 3 };
        using (var saved = await api.Client.PutAsync($"/api/policies/{Site}", new StringContent(PolicyJson.Serialize(policy), Encoding.UTF8, "application/json")))
        {
            Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        }

        // Ingestion as its own process: a second in-process host in this test process would meet Quartz's static log
        // provider still holding an earlier host's disposed logger factory.
        await using var ingestion = IngestionProcess.Start(vhost, database.Dialect, database.ConnectionString);
        var settings = WebhookPayloads.Settings(receiver);
        settings["Alerting:OfflineCheckInterval"] = "00:00:01";
        var (alerting, _) = await AlertingProcess.StartAsync(vhost, database, settings);
        await using var _alerting = alerting;
        await using var agent = await AgentPublisher.ConnectAsync(vhost);

        // Both agents beat once a second, as the agent's heartbeat publisher does (JSON on the agents' exchange).
        var stopsBeating = false;
        using var beating = new CancellationTokenSource();
        var heartbeats = Task.Run(async () =>
        {
            while (!beating.IsCancellationRequested)
            {
                foreach (var id in Volatile.Read(ref stopsBeating) ? ["agent-stays"] : new[] { "agent-stays", "agent-stops" })
                {
                    await agent.PublishRawAsync($"{WireFormat.HeartbeatRoutingPrefix}.{Site}", JsonSerializer.SerializeToUtf8Bytes(Heartbeat(id), WireFormat.Options));
                }

                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), beating.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });

        try
        {
            await Eventually.WaitAsync(() => ClassesAsync(api), c => c.GetValueOrDefault("agent-stays") == "ok" && c.GetValueOrDefault("agent-stops") == "ok",
                TimeSpan.FromSeconds(120), "both agents shown ok in the fleet view", () => Task.FromResult(ingestion.Tail()));

            Volatile.Write(ref stopsBeating, true);
            var stopped = TimeProvider.System.GetTimestamp();
            var page = await Eventually.WaitAsync(() => Task.FromResult(WebhookPayloads.Read(receiver)), p => p.Count >= 1, TimeSpan.FromMinutes(2), "the agent-offline page");
            output.WriteLine($"agent-offline paged {TimeProvider.System.GetElapsedTime(stopped).TotalSeconds:F1} s after the last heartbeat was sent");
            Assert.Equal(("firing", "FleetMonitorAgentOffline", "agent-stops"), (page[0].Action, page[0].Alertname, page[0].Agent));

            // The dashboard's view: the silent agent offline, among the problems, the other one not.
            var classes = await Eventually.WaitAsync(() => ClassesAsync(api), c => c.GetValueOrDefault("agent-stops") == "offline", TimeSpan.FromSeconds(60), "agent-stops shown offline");
            output.WriteLine($"shown offline {TimeProvider.System.GetElapsedTime(stopped).TotalSeconds:F1} s after the last heartbeat was sent");
            Assert.Equal("ok", classes["agent-stays"]);
            var overview = JsonDocument.Parse(await api.Client.GetStringAsync("/api/fleet/overview")).RootElement;
            var problem = Assert.Single(overview.GetProperty("problems").EnumerateArray(), p => p.GetProperty("agentId").GetString() == "agent-stops");
            Assert.Equal("offline", problem.GetProperty("class").GetString());
            Assert.DoesNotContain(overview.GetProperty("problems").EnumerateArray(), p => p.GetProperty("agentId").GetString() == "agent-stays");

            // The alert is listed by the Api too, and no second page comes while the job keeps running (the beating agent
            // would show here).
            var alerts = JsonDocument.Parse(await api.Client.GetStringAsync($"/api/alerts?site={Site}")).RootElement;
            var listed = Assert.Single(alerts.EnumerateArray());
            Assert.Equal(("FleetMonitorAgentOffline", "agent-stops", "firing"),
                (listed.GetProperty("alertname").GetString(), listed.GetProperty("agentId").GetString(), listed.GetProperty("state").GetString()));
            var fired = await CountAsync(database, "SELECT coalesce(max(prev_fire_time), 0) FROM qrtz_triggers");
            await Eventually.WaitAsync(() => CountAsync(database, "SELECT coalesce(max(prev_fire_time), 0) FROM qrtz_triggers"),
                t => t >= fired + TimeSpan.FromSeconds(4).Ticks, TimeSpan.FromSeconds(60), "the offline check firing several more times");
            Assert.Single(WebhookPayloads.Read(receiver));

            // It beats again: the alert resolves and the fleet view shows it back.
            Volatile.Write(ref stopsBeating, false);
            await Eventually.WaitAsync(() => Task.FromResult(WebhookPayloads.Read(receiver)), p => p.Any(x => x.Action == "resolved"), TimeSpan.FromSeconds(60), "the resolve");
            await Eventually.WaitAsync(() => ClassesAsync(api), c => c.GetValueOrDefault("agent-stops") == "ok", TimeSpan.FromSeconds(60), "agent-stops shown ok again");
            Assert.Equal(["firing", "resolved"], WebhookPayloads.Read(receiver).Select(p => p.Action));
        }
        finally
        {
            await beating.CancelAsync();
            await heartbeats;
        }
    }

    private static async Task<Dictionary<string, string>> ClassesAsync(ApiHost api) =>
        JsonDocument.Parse(await api.Client.GetStringAsync("/api/fleet/overview")).RootElement.GetProperty("agents").EnumerateArray()
            .ToDictionary(a => a.GetProperty("agentId").GetString()!, a => a.GetProperty("class").GetString()!);

    private static AgentHeartbeatSent Heartbeat(string agentId) => new()
    {
        SchemaVersion = AgentHeartbeatSent.CurrentSchemaVersion,
        AgentId = agentId,
        SiteId = Site,
        SentAt = TimeProvider.System.GetUtcNow(),
        AgentVersion = "test",
        Hostname = agentId + ".example.net",
    };

    private static async Task<long> CountAsync(TestDatabase database, string sql)
    {
        await using var db = await database.Database.OpenAsync(CancellationToken.None);
        return await db.ExecuteScalarAsync<long>(sql);
    }
}
