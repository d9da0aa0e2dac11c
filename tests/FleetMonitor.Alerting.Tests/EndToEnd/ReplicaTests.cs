using Dapper;
using FleetMonitor.Alerting.Tests.Support;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;

namespace FleetMonitor.Alerting.Tests.EndToEnd;

/// <summary>Two Alerting processes on one stream and one database; one of them is killed mid-stream.</summary>
public sealed class ReplicaTests
{
    private const int Agents = 60;

    [Fact]
    public async Task Killing_one_of_two_instances_mid_stream_loses_no_alert_and_duplicates_none()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        var settings = WebhookPayloads.Settings(receiver);
        settings["Alerting:PrefetchCount"] = "16";
        // Notifications the killed instance had claimed wait out its claim (twice this) before the other delivers them:
        // long enough for a slow receiver, short enough for the wait below.
        settings["Alerting:DeliveryTimeout"] = "00:00:30";
        var (first, _) = await AlertingProcess.StartAsync(vhost, database, settings);
        await using var _first = first;
        var (second, _) = await AlertingProcess.StartAsync(vhost, database, settings);
        await using var _second = second;
        await using var agent = await AgentPublisher.ConnectAsync(vhost);

        // Every agent: one pass, then failures; the same results published twice (a redelivery) count once.
        var results = new List<ProbeCompleted>();
        for (var run = 0; run < 6; run++)
        {
            for (var a = 0; a < Agents; a++)
            {
                // Each agent its own PBX: sixty independent regressions, not one PBX outage grouped into one alert.
                results.Add(Results.Make($"agent-{a:D3}", "pbx-tcp", "tcp", run, run == 0 ? ProbeOutcome.Ok : ProbeOutcome.Failed, target: $"pbx-{a:D3}.example.net:5060"));
            }
        }

        var half = results.Count / 2;
        foreach (var result in results.Take(half))
        {
            await agent.PublishAsync(result);
            await agent.PublishAsync(result);
        }

        await Eventually.WaitAsync(() => CountAsync(database, "SELECT count(*) FROM alert_windows"), n => n > 0, TimeSpan.FromSeconds(60), "evaluation under way");
        await first.KillAsync();
        foreach (var result in results.Skip(half))
        {
            await agent.PublishAsync(result);
            await agent.PublishAsync(result);
        }

        await Eventually.WaitAsync(() => CountAsync(database, "SELECT count(*) FROM alerts"), n => n >= Agents, TimeSpan.FromSeconds(120), "an alert per agent");
        await Eventually.WaitAsync(
            () => CountAsync(database, "SELECT count(*) FROM alert_notifications WHERE status <> 'delivered'"), n => n == 0, TimeSpan.FromSeconds(240), "every notification delivered");
        await Eventually.WaitAsync(() => vhost.QueueDepthAsync("alerting-results"), n => n == 0, TimeSpan.FromSeconds(60), "the results queue drained");

        await using var db = await database.Database.OpenAsync(CancellationToken.None);
        var alerts = (await db.QueryAsync<(Guid Id, string AgentId, string Cause)>("SELECT id, agent_id, cause FROM alerts")).ToList();
        Assert.Equal(Agents, alerts.Count);
        Assert.Equal(Agents, alerts.Select(a => a.AgentId).Distinct().Count());
        Assert.All(alerts, a => Assert.Equal("tcp-path", a.Cause));

        // Every alert reached the receiver; a delivery cut by the kill may have been sent twice (at least once), an alert never.
        var pages = WebhookPayloads.Read(receiver).Where(p => p.Action == "firing").ToList();
        Assert.Equal(alerts.Select(a => a.Id).Order(), pages.Select(p => p.AlertId).Distinct().Order());
        Assert.True(pages.Count - Agents <= 16, $"{pages.Count - Agents} repeated deliveries: more than one claim batch in flight at the kill");
    }

    private static async Task<long> CountAsync(TestDatabase database, string sql)
    {
        await using var db = await database.Database.OpenAsync(CancellationToken.None);
        return await db.ExecuteScalarAsync<long>(sql);
    }
}
