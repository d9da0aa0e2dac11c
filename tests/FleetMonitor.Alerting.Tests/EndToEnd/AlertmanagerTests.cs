using System.Text.Json;
using Dapper;
using FleetMonitor.Alerting.Tests.Support;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;

namespace FleetMonitor.Alerting.Tests.EndToEnd;

/// <summary>
/// Agents' results → real RabbitMQ → the Alerting process → real PostgreSQL → Debian's Alertmanager → the webhook
/// receiver Alertmanager routes to: what Alertmanager itself delivers is what is asserted.
/// </summary>
public sealed class AlertmanagerTests
{
    [Fact]
    public async Task A_regression_gives_one_page_at_alertmanagers_receiver_and_one_resolve()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var alertmanager = await AlertmanagerProcess.StartAsync(receiver.Address);
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        var (alerting, _) = await AlertingProcess.StartAsync(vhost, database, new Dictionary<string, string> { ["Alerting:Alertmanager:Url"] = alertmanager.Address.ToString() });
        await using var _alerting = alerting;
        await using var agent = await AgentPublisher.ConnectAsync(vhost);

        // The probe meets the policy first: two passes, evaluated before anything else is sent (results are consumed
        // concurrently, and failures evaluated before any pass would rightly be "never met", not a regression).
        var run = 0;
        await agent.PublishAsync(Results.Make("agent-1", "pbx-tcp", "tcp", run++, ProbeOutcome.Ok));
        await agent.PublishAsync(Results.Make("agent-1", "pbx-tcp", "tcp", run++, ProbeOutcome.Ok));
        await WindowEntriesAsync(database, "agent-1", "pbx-tcp", 2);

        // Then it fails: the third failure of the last five opens the regression; more failures change nothing.
        for (var i = 0; i < 5; i++)
        {
            await agent.PublishAsync(Results.Make("agent-1", "pbx-tcp", "tcp", run++, ProbeOutcome.Failed));
        }

        var firing = await Eventually.WaitAsync(() => Task.FromResult(AlertmanagerAlerts(receiver)), a => a.Count >= 1, TimeSpan.FromSeconds(60), "Alertmanager delivering the page");
        var page = Assert.Single(firing);
        Assert.Equal("firing", page.Status);
        Assert.Equal("FleetMonitorRegression", page.Labels["alertname"]);
        Assert.Equal(("site-a", "agent-1", "pbx-tcp", "broken", "tcp-path", "critical"),
            (page.Labels["site"], page.Labels["agent"], page.Labels["probe"], page.Labels["class"], page.Labels["cause"], page.Labels["severity"]));
        Assert.Contains("tcp.refused", page.Annotations["description"], StringComparison.Ordinal);
        Assert.StartsWith("http", page.Annotations["runbook_url"], StringComparison.Ordinal);
        Assert.StartsWith("http", page.Annotations["dashboard_url"], StringComparison.Ordinal);

        // Two passes in a row resolve it: Alertmanager sends exactly one resolved notification.
        await agent.PublishAsync(Results.Make("agent-1", "pbx-tcp", "tcp", run++, ProbeOutcome.Ok));
        await agent.PublishAsync(Results.Make("agent-1", "pbx-tcp", "tcp", run++, ProbeOutcome.Ok));
        await Eventually.WaitAsync(() => Task.FromResult(AlertmanagerAlerts(receiver)), a => a.Any(x => x.Status == "resolved"), TimeSpan.FromSeconds(60), "Alertmanager delivering the resolve");

        // A window in which a duplicate page or a re-fire after the resolve would show: another agent regresses after
        // the resolve, and the test waits until Alertmanager has delivered that page and Alerting has posted to
        // Alertmanager three more times (refresh rounds that could have re-posted the resolved alert).
        foreach (var outcome in new[] { ProbeOutcome.Failed, ProbeOutcome.Failed, ProbeOutcome.Failed })
        {
            await agent.PublishAsync(Results.Make("agent-sentinel", "pbx-tcp", "tcp", run++, outcome));
        }

        await Eventually.WaitAsync(() => Task.FromResult(AlertmanagerAlerts(receiver)), a => a.Any(x => x.Labels["agent"] == "agent-sentinel"), TimeSpan.FromSeconds(60), "Alertmanager delivering the later page");
        var posts = await PostsToAlertmanagerAsync(alerting);
        await Eventually.WaitAsync(() => PostsToAlertmanagerAsync(alerting), n => n >= posts + 3, TimeSpan.FromSeconds(60), "three more refresh rounds");
        var all = AlertmanagerAlerts(receiver).Where(a => a.Labels["agent"] == "agent-1").ToList();
        Assert.Equal(["firing", "resolved"], all.Select(a => a.Status));
        Assert.Equal(page.Labels, all[1].Labels);

        await using var db = await database.Database.OpenAsync(CancellationToken.None);
        var history = (await db.QueryAsync<string>("SELECT h.event FROM alert_history h JOIN alerts a ON a.id = h.alert_id WHERE a.agent_id = 'agent-1' ORDER BY h.id")).ToList();
        Assert.Equal(["opened", "resolved"], history);
        var deliveries = (await db.QueryAsync<(string Action, string Status)>(
            "SELECT n.action, n.status FROM alert_notifications n JOIN alerts a ON a.id = n.alert_id WHERE a.agent_id = 'agent-1' ORDER BY n.id")).ToList();
        Assert.Equal([("firing", "delivered"), ("resolved", "delivered")], deliveries);
    }

    [Fact]
    public async Task Under_the_default_policy_an_open_sip_port_is_exposed_and_a_sip_alg_is_broken()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var alertmanager = await AlertmanagerProcess.StartAsync(receiver.Address);
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        var (alerting, _) = await AlertingProcess.StartAsync(vhost, database, new Dictionary<string, string> { ["Alerting:Alertmanager:Url"] = alertmanager.Address.ToString() });
        await using var _alerting = alerting;
        await using var agent = await AgentPublisher.ConnectAsync(vhost);

        await agent.PublishAsync(Results.Make("agent-2", "exposure", "exposure", 0, ProbeOutcome.Ok, ["exposure.none"], target: "https://reflector.example.net"));
        await agent.PublishAsync(Results.Make("agent-2", "sip-alg", "sip-alg", 0, ProbeOutcome.Ok, ["sip.alg.none"], target: "reflector.example.net"));
        for (var run = 1; run <= 3; run++)
        {
            await agent.PublishAsync(Results.Make("agent-2", "exposure", "exposure", run, ProbeOutcome.Degraded, ["exposure.open.5060/udp"], target: "https://reflector.example.net"));
            await agent.PublishAsync(Results.Make("agent-2", "sip-alg", "sip-alg", run, ProbeOutcome.Degraded, ["sip.alg.rewrote_via"], target: "reflector.example.net"));
        }

        var alerts = await Eventually.WaitAsync(() => Task.FromResult(AlertmanagerAlerts(receiver)), a => a.Count >= 2, TimeSpan.FromSeconds(60), "both pages");
        var byProbe = alerts.ToDictionary(a => a.Labels["probe"]);
        Assert.Equal(("exposed", "inbound-closed"), (byProbe["exposure"].Labels["class"], byProbe["exposure"].Labels["cause"]));
        Assert.Contains("exposure.open.5060/udp", byProbe["exposure"].Annotations["description"], StringComparison.Ordinal);
        Assert.Equal(("broken", "sip-alg"), (byProbe["sip-alg"].Labels["class"], byProbe["sip-alg"].Labels["cause"]));
    }

    /// <summary>Waits until the agent/probe's evaluation window holds <paramref name="count"/> results.</summary>
    internal static Task<int> WindowEntriesAsync(TestDatabase database, string agentId, string probeId, int count) =>
        Eventually.WaitAsync(
            async () =>
            {
                await using var db = await database.Database.OpenAsync(CancellationToken.None);
                var entries = await db.ExecuteScalarAsync<string?>(new CommandDefinition(
                    "SELECT entries FROM alert_windows WHERE agent_id = @AgentId AND probe_id = @ProbeId", new { AgentId = agentId, ProbeId = probeId }));
                return entries is null ? 0 : JsonDocument.Parse(entries).RootElement.GetArrayLength();
            },
            n => n >= count, TimeSpan.FromSeconds(60), $"{count} results of {agentId}/{probeId} evaluated");

    /// <summary>Alerting's count of successful posts to Alertmanager (pages, refreshes and resolves).</summary>
    internal static async Task<double> PostsToAlertmanagerAsync(ChildProcess alerting)
    {
        using var http = new HttpClient { BaseAddress = await alerting.ListeningAddressAsync(TimeSpan.FromSeconds(5)) };
        const string Series = "fleetmonitor_alerting_notifications_total{channel=\"alertmanager\",outcome=\"delivered\"} ";
        var line = (await http.GetStringAsync("/metrics")).Split('\n').FirstOrDefault(l => l.StartsWith(Series, StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[Series.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Every alert of every notification Alertmanager posted to the receiver, in order.</summary>
    internal static List<DeliveredAlert> AlertmanagerAlerts(HttpReceiver receiver) =>
        receiver.Requests.Where(r => r.Path == "/alertmanager")
            .SelectMany(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("alerts").EnumerateArray())
            .Select(a => new DeliveredAlert(
                a.GetProperty("status").GetString()!,
                a.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
                a.GetProperty("annotations").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!)))
            .ToList();

    internal sealed record DeliveredAlert(string Status, Dictionary<string, string> Labels, Dictionary<string, string> Annotations);
}
