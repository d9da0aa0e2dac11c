using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using FleetMonitor.Alerting.Tests.Support;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;

namespace FleetMonitor.Alerting.Tests.EndToEnd;

/// <summary>
/// 200 agents behind one public network (their NAT probes observe addresses in 203.0.113.0/24) fail the same rule at
/// once: RabbitMQ → the Alerting process → PostgreSQL → one grouped page at the webhook naming the network and the
/// counts, none of the 200 pages of their own; when they recover, one resolve. Agents failing one PBX target, and agents
/// behind one router model (their UPnP probes' gateway name), are grouped the same way.
/// </summary>
public sealed class CorrelationTests
{
    private const int Agents = 200;

    [Fact]
    public async Task Two_hundred_agents_behind_one_public_network_failing_at_once_give_one_grouped_notification()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        var settings = WebhookPayloads.Settings(receiver);
        // Long enough for the 200 alerts to open on a loaded machine before the first of them is due (at least ten must
        // be open by then for the group to form instead of single pages).
        settings["Alerting:GroupWait"] = "00:00:30";
        var (alerting, _) = await AlertingProcess.StartAsync(vhost, database, settings);
        await using var _alerting = alerting;
        await using var agent = await AgentPublisher.ConnectAsync(vhost);

        // Each agent's batch: its NAT probe's observation (the public address), then three failures of the PBX path.
        for (var i = 0; i < Agents; i++)
        {
            var agentId = $"agent-{i:000}";
            var nat = Results.Make(agentId, "nat", "nat", 0, ProbeOutcome.Ok, target: "reflector.example.net:3478") with
            {
                Facts = new Dictionary<string, string> { ["mapped_address"] = $"203.0.113.{1 + (i % 250)}:{40000 + i}" },
            };
            await agent.PublishAsync(Batch(agentId, [nat, .. Enumerable.Range(1, 3).Select(run => Results.Make(agentId, "pbx-tcp", "tcp", run, ProbeOutcome.Failed))]));
        }

        // Every agent's alert opens and joins one group; every notification queued is then settled (sent or held).
        await Eventually.WaitAsync(() => CountAsync(database, "SELECT count(*) FROM alerts WHERE group_id IS NOT NULL"), n => n == Agents, TimeSpan.FromSeconds(120), "all 200 alerts grouped");
        await Eventually.WaitAsync(() => CountAsync(database, "SELECT count(*) FROM alert_notifications WHERE status = 'pending'"), n => n == 0, TimeSpan.FromSeconds(60), "every notification settled");

        var page = Assert.Single(Payloads(receiver));
        Assert.Equal(("firing", "FleetMonitorNetworkOutage", "network 203.0.113.0/24", "tcp-path"), (page.Action, page.Alertname, page.Agent, page.Cause));
        var counted = Regex.Match(page.Description, @"^(\d+) agents behind the public network 203\.0\.113\.0/24 fail tcp-path together \(by site: site-a: (\d+)\)");
        Assert.True(counted.Success, page.Description);
        var count = int.Parse(counted.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(count, 10, Agents);
        Assert.Equal(count, int.Parse(counted.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.StartsWith($"tcp-path fails on {count} agents behind 203.0.113.0/24", page.Summary, StringComparison.Ordinal);
        await using (var db = await database.Database.OpenAsync(CancellationToken.None))
        {
            Assert.Equal(Agents, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM alert_notifications WHERE status = 'grouped'"));
            var description = await db.ExecuteScalarAsync<string>("SELECT description FROM alerts WHERE alertname = 'FleetMonitorNetworkOutage'");
            Assert.StartsWith($"{Agents} agents behind the public network 203.0.113.0/24", description, StringComparison.Ordinal);
        }

        // They recover: the members resolve quietly, the group once.
        for (var i = 0; i < Agents; i++)
        {
            var agentId = $"agent-{i:000}";
            await agent.PublishAsync(Batch(agentId, [.. Enumerable.Range(4, 2).Select(run => Results.Make(agentId, "pbx-tcp", "tcp", run, ProbeOutcome.Ok))]));
        }

        await Eventually.WaitAsync(() => Task.FromResult(Payloads(receiver)), p => p.Any(x => x.Action == "resolved"), TimeSpan.FromSeconds(120), "the group's resolve");
        await Eventually.WaitAsync(() => CountAsync(database, "SELECT count(*) FROM alerts WHERE state <> 'resolved'"), n => n == 0, TimeSpan.FromSeconds(60), "every alert resolved");
        await Eventually.WaitAsync(() => CountAsync(database, "SELECT count(*) FROM alert_notifications WHERE status = 'pending'"), n => n == 0, TimeSpan.FromSeconds(60), "every notification settled");
        Assert.Equal([("firing", page.AlertId), ("resolved", page.AlertId)], Payloads(receiver).Select(p => (p.Action, p.AlertId)));
    }

    [Fact]
    public async Task Agents_failing_one_pbx_target_or_behind_one_router_model_give_one_grouped_notification_each()
    {
        const int PerScope = 12;
        const string Pbx = "pbx.shared.example.net:5060";
        const string Router = "FRITZ!Box 7590";
        await using var receiver = await HttpReceiver.StartAsync();
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        var settings = WebhookPayloads.Settings(receiver);
        // Long enough for each scope's twelve alerts to open on a loaded machine before the first of them is due.
        settings["Alerting:GroupWait"] = "00:00:30";
        var (alerting, _) = await AlertingProcess.StartAsync(vhost, database, settings);
        await using var _alerting = alerting;
        await using var agent = await AgentPublisher.ConnectAsync(vhost);

        // Twelve agents in different homes (nothing known about their networks or routers) fail the same PBX; twelve
        // behind the same router model fail each their own PBX; two behind another model fail too, each alone.
        var pbxAgents = Enumerable.Range(0, PerScope).Select(i => $"pbx-agent-{i:00}").ToList();
        var routerAgents = Enumerable.Range(0, PerScope).Select(i => (Agent: $"fritz-agent-{i:00}", Router)).ToList();
        var lone = new[] { ("archer-agent-0", "Archer C7"), ("archer-agent-1", "Archer C7") };
        // Two failures each first, evaluated before the third: every alert then opens from one burst of third failures,
        // so a loaded machine cannot spread the openings wider than the group wait.
        foreach (var agentId in pbxAgents)
        {
            await agent.PublishAsync(Batch(agentId, [.. Enumerable.Range(1, 2).Select(run => Results.Make(agentId, "pbx-tcp", "tcp", run, ProbeOutcome.Failed, target: Pbx))]));
        }

        foreach (var (agentId, router) in routerAgents.Concat(lone))
        {
            var upnp = Results.Make(agentId, "upnp", "upnp", 0, ProbeOutcome.Ok, findings: [], target: "ssdp") with
            {
                Facts = new Dictionary<string, string> { ["igd_name"] = router, ["igd_server"] = "Linux/6.1 UPnP/1.1 MiniUPnPd/2.3.3" },
            };
            await agent.PublishAsync(Batch(agentId, [upnp, .. Enumerable.Range(1, 2).Select(run => Results.Make(agentId, "pbx-tcp", "tcp", run, ProbeOutcome.Failed, target: $"pbx.{agentId}.example.net:5060"))]));
        }

        var agents = 2 * PerScope + lone.Length;
        await Eventually.WaitAsync(
            () => CountAsync(database, "SELECT count(*) FROM alert_windows WHERE probe_id = 'pbx-tcp' AND jsonb_array_length(entries::jsonb) = 2"),
            n => n == agents, TimeSpan.FromSeconds(120), "every agent's first two failures evaluated");
        Assert.Equal(0, await CountAsync(database, "SELECT count(*) FROM alerts"));
        foreach (var agentId in pbxAgents)
        {
            await agent.PublishAsync(Batch(agentId, [Results.Make(agentId, "pbx-tcp", "tcp", 3, ProbeOutcome.Failed, target: Pbx)]));
        }

        foreach (var (agentId, _) in routerAgents.Concat(lone))
        {
            await agent.PublishAsync(Batch(agentId, [Results.Make(agentId, "pbx-tcp", "tcp", 3, ProbeOutcome.Failed, target: $"pbx.{agentId}.example.net:5060")]));
        }

        await Eventually.WaitAsync(() => CountAsync(database, "SELECT count(*) FROM alerts WHERE group_id IS NOT NULL"), n => n == 2 * PerScope, TimeSpan.FromSeconds(120), "both scopes' alerts grouped");
        await Eventually.WaitAsync(
            () => Task.FromResult(Payloads(receiver)),
            // At least: a page too many is not waited out here but named by the assertions below.
            p => p.Count(x => x.Alertname == "FleetMonitorPolicyNeverMet") >= lone.Length,
            TimeSpan.FromSeconds(120),
            "the two lone agents paged",
            async () => $"received: {string.Join("; ", Payloads(receiver).Select(p => $"{p.Action} {p.Alertname} {p.Agent}"))}; notifications by status: "
                + string.Join(", ", await NotificationStatusesAsync(database)));
        await Eventually.WaitAsync(() => CountAsync(database, "SELECT count(*) FROM alert_notifications WHERE status = 'pending'"), n => n == 0, TimeSpan.FromSeconds(60), "every notification settled");

        var pages = Payloads(receiver);
        Assert.All(pages, p => Assert.Equal(("firing", "tcp-path"), (p.Action, p.Cause)));
        var target = Assert.Single(pages, p => p.Alertname == "FleetMonitorTargetOutage");
        Assert.Equal($"target {Pbx}", target.Agent);
        AssertCounted(target, $"reaching the PBX or server {Pbx}", $"against {Pbx}");
        var model = Assert.Single(pages, p => p.Alertname == "FleetMonitorRouterModelFailure");
        Assert.Equal($"router {Router}", model.Agent);
        AssertCounted(model, $"behind routers of the model {Router}", $"with router {Router}");
        // They never passed: each lone agent's own alert is a "never met" one.
        Assert.Equal(["archer-agent-0", "archer-agent-1"], pages.Where(p => p.Alertname == "FleetMonitorPolicyNeverMet").Select(p => p.Agent).Order());
        Assert.Equal(4, pages.Count);
        await using (var db = await database.Database.OpenAsync(CancellationToken.None))
        {
            Assert.Equal(2 * PerScope, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM alert_notifications WHERE status = 'grouped'"));
            var descriptions = (await db.QueryAsync<(string Alertname, string Description)>(
                "SELECT alertname, description FROM alerts WHERE alertname IN ('FleetMonitorTargetOutage', 'FleetMonitorRouterModelFailure')")).ToDictionary(r => r.Alertname, r => r.Description);
            Assert.StartsWith($"{PerScope} agents reaching the PBX or server {Pbx} fail tcp-path together (by site: site-a: {PerScope})", descriptions["FleetMonitorTargetOutage"], StringComparison.Ordinal);
            Assert.StartsWith($"{PerScope} agents behind routers of the model {Router} fail tcp-path together (by site: site-a: {PerScope})", descriptions["FleetMonitorRouterModelFailure"], StringComparison.Ordinal);
            Assert.Contains("pbx-agent-00, pbx-agent-01", descriptions["FleetMonitorTargetOutage"], StringComparison.Ordinal);
            Assert.Equal(PerScope, await db.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM alerts m JOIN alerts g ON g.id = m.group_id WHERE g.alertname = 'FleetMonitorRouterModelFailure' AND m.router = @Router", new { Router }));
        }

        // They recover: the members resolve quietly, each group and each lone agent once.
        foreach (var agentId in pbxAgents)
        {
            await agent.PublishAsync(Batch(agentId, [.. Enumerable.Range(4, 2).Select(run => Results.Make(agentId, "pbx-tcp", "tcp", run, ProbeOutcome.Ok, target: Pbx))]));
        }

        foreach (var (agentId, _) in routerAgents.Concat(lone))
        {
            await agent.PublishAsync(Batch(agentId, [.. Enumerable.Range(4, 2).Select(run => Results.Make(agentId, "pbx-tcp", "tcp", run, ProbeOutcome.Ok, target: $"pbx.{agentId}.example.net:5060"))]));
        }

        await Eventually.WaitAsync(() => CountAsync(database, "SELECT count(*) FROM alerts WHERE state <> 'resolved'"), n => n == 0, TimeSpan.FromSeconds(120), "every alert resolved");
        await Eventually.WaitAsync(() => Task.FromResult(Payloads(receiver)), p => p.Count(x => x.Action == "resolved") >= 4, TimeSpan.FromSeconds(120), "four resolves");
        await Eventually.WaitAsync(() => CountAsync(database, "SELECT count(*) FROM alert_notifications WHERE status = 'pending'"), n => n == 0, TimeSpan.FromSeconds(60), "every notification settled");
        var all = Payloads(receiver);
        var received = string.Join("; ", all.Select(p => $"{p.Action} {p.Alertname} {p.Agent} {p.AlertId}"));
        Assert.True(all.Count == 8, received);
        Assert.True(pages.Select(p => p.AlertId).Order().SequenceEqual(all.Where(p => p.Action == "resolved").Select(p => p.AlertId).Order()), received);
    }

    private static async Task<IEnumerable<string>> NotificationStatusesAsync(TestDatabase database)
    {
        await using var db = await database.Database.OpenAsync(CancellationToken.None);
        var rows = await db.QueryAsync<(string Status, long Count)>("SELECT status, count(*) FROM alert_notifications GROUP BY status ORDER BY status");
        return rows.Select(r => $"{r.Status} {r.Count}");
    }

    private static void AssertCounted(Page page, string scope, string shortScope)
    {
        var counted = Regex.Match(page.Description, $@"^(\d+) agents {Regex.Escape(scope)} fail tcp-path together \(by site: site-a: (\d+)\)");
        Assert.True(counted.Success, page.Description);
        var count = int.Parse(counted.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(count, 10, 12);
        Assert.Equal(count, int.Parse(counted.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.StartsWith($"tcp-path fails on {count} agents {shortScope}", page.Summary, StringComparison.Ordinal);
    }

    private static ProbeResultsBatched Batch(string agentId, IReadOnlyList<ProbeCompleted> results) => new()
    {
        SchemaVersion = ProbeResultsBatched.CurrentSchemaVersion,
        AgentId = agentId,
        SiteId = "site-a",
        Results = results,
    };

    private static List<Page> Payloads(HttpReceiver receiver)
    {
        var checkedPayloads = WebhookPayloads.Read(receiver);
        // The queue only grows at its end: the first requests are the ones just checked.
        return receiver.Requests.Where(r => r.Path == "/hook").Take(checkedPayloads.Count).Select((r, i) =>
        {
            var alert = JsonDocument.Parse(r.Body).RootElement.GetProperty("alert");
            return new Page(checkedPayloads[i].Action, checkedPayloads[i].AlertId, checkedPayloads[i].Alertname, checkedPayloads[i].Agent,
                alert.GetProperty("cause").GetString()!, alert.GetProperty("summary").GetString()!, alert.GetProperty("description").GetString()!);
        }).ToList();
    }

    private static async Task<long> CountAsync(TestDatabase database, string sql)
    {
        await using var db = await database.Database.OpenAsync(CancellationToken.None);
        return await db.ExecuteScalarAsync<long>(sql);
    }

    private sealed record Page(string Action, Guid AlertId, string Alertname, string Agent, string Cause, string Summary, string Description);
}
