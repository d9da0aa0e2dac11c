using Dapper;
using FleetMonitor.Alerting.Tests.Support;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;

namespace FleetMonitor.Alerting.Tests.EndToEnd;

/// <summary>The agent-offline job on Quartz's clustered PostgreSQL job store, run by two Alerting processes.</summary>
public sealed class AgentOfflineTests
{
    [Fact]
    public async Task A_silent_agent_raises_one_agent_offline_alert_from_two_clustered_instances_and_heartbeats_resolve_it()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        var agents = new AgentStore(database.Database, TimeProvider.System);
        var now = TimeProvider.System.GetUtcNow();
        // Default policy: 3 missed heartbeats of 30 s. One agent last heard 5 minutes ago, one just now.
        await agents.RecordHeartbeatAsync(Heartbeat("agent-silent", now.AddMinutes(-5)), CancellationToken.None);
        await agents.RecordHeartbeatAsync(Heartbeat("agent-alive", now), CancellationToken.None);

        var settings = WebhookPayloads.Settings(receiver);
        settings["Alerting:OfflineCheckInterval"] = "00:00:01";
        var (first, _) = await AlertingProcess.StartAsync(vhost, database, settings);
        await using var _first = first;
        var (second, _) = await AlertingProcess.StartAsync(vhost, database, settings);
        await using var _second = second;

        await Eventually.WaitAsync(() => Task.FromResult(WebhookPayloads.Read(receiver)), p => p.Count >= 1, TimeSpan.FromSeconds(60), "the agent-offline page");
        // Both instances are in the cluster, and the job has run many times in the window below: a second alert or page would show.
        await Eventually.WaitAsync(() => CountAsync(database, "SELECT count(*) FROM qrtz_scheduler_state"), n => n == 2, TimeSpan.FromSeconds(60), "two clustered schedulers");
        var fired = await CountAsync(database, "SELECT coalesce(max(prev_fire_time), 0) FROM qrtz_triggers");
        await Eventually.WaitAsync(() => CountAsync(database, "SELECT coalesce(max(prev_fire_time), 0) FROM qrtz_triggers"),
            t => t >= fired + TimeSpan.FromSeconds(4).Ticks, TimeSpan.FromSeconds(60), "the offline check firing several more times");
        await Eventually.WaitAsync(() => CountAsync(database, "SELECT count(*) FROM alert_notifications WHERE status = 'pending'"), n => n == 0, TimeSpan.FromSeconds(60), "every notification settled");
        var page = Assert.Single(WebhookPayloads.Read(receiver));
        Assert.Equal(("firing", "FleetMonitorAgentOffline", "agent-silent"), (page.Action, page.Alertname, page.Agent));
        Assert.Equal(1, await CountAsync(database, "SELECT count(*) FROM alerts"));

        // The agent comes back: its heartbeat resolves the alert.
        await agents.RecordHeartbeatAsync(Heartbeat("agent-silent", TimeProvider.System.GetUtcNow()), CancellationToken.None);
        await Eventually.WaitAsync(() => Task.FromResult(WebhookPayloads.Read(receiver)), p => p.Any(x => x.Action == "resolved"), TimeSpan.FromSeconds(60), "the resolve");
        Assert.Equal(["firing", "resolved"], WebhookPayloads.Read(receiver).Select(p => p.Action));
    }

    private static AgentHeartbeatSent Heartbeat(string agentId, DateTimeOffset sentAt) => new()
    {
        SchemaVersion = AgentHeartbeatSent.CurrentSchemaVersion,
        AgentId = agentId,
        SiteId = "site-a",
        SentAt = sentAt,
        AgentVersion = "test",
        Hostname = agentId + ".example.net",
    };

    private static async Task<long> CountAsync(TestDatabase database, string sql)
    {
        await using var db = await database.Database.OpenAsync(CancellationToken.None);
        return await db.ExecuteScalarAsync<long>(sql);
    }
}
