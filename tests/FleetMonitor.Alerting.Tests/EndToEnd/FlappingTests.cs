using Dapper;
using FleetMonitor.Alerting.Tests.Support;
using FleetMonitor.Contracts;
using FleetMonitor.Ingestion;
using FleetMonitor.ServiceDefaults;
using FleetMonitor.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace FleetMonitor.Alerting.Tests.EndToEnd;

/// <summary>
/// Agent results → Ingestion → <c>ProbeStateChanged</c> on the <c>alerting-state-changes</c> endpoint → Alerting. Alerting
/// reads state changes only here (<c>ConsumeResults</c> off), so the flapping alert comes from Ingestion's stream.
/// </summary>
public sealed class FlappingTests
{
    [Fact]
    public async Task A_flapping_probe_gives_one_flapping_alert_from_ingestions_state_changes()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var ingestion = await StartIngestionAsync(vhost, database);
        var settings = WebhookPayloads.Settings(receiver);
        settings["Alerting:ConsumeResults"] = "false";
        var (alerting, _) = await AlertingProcess.StartAsync(vhost, database, settings);
        await using var _alerting = alerting;
        await using var agent = await AgentPublisher.ConnectAsync(vhost);

        // One result at a time, each stored before the next is sent, so that every flip is a state change of its own;
        // all of them well inside the flapping window before now.
        var epoch = TimeProvider.System.GetUtcNow().AddMinutes(-1);
        for (var run = 0; run < 10; run++)
        {
            await agent.PublishAsync(Results.Make("agent-f", "pbx-tcp", "tcp", run, run % 2 == 0 ? ProbeOutcome.Ok : ProbeOutcome.Failed, epoch: epoch));
            await Eventually.WaitAsync(() => CountAsync(database, "SELECT count(*) FROM probe_results"), n => n == run + 1, TimeSpan.FromSeconds(60), $"result {run} stored");
        }

        try
        {
            await Eventually.WaitAsync(() => CountAsync(database, "SELECT count(*) FROM alerts"), n => n >= 1, TimeSpan.FromSeconds(60), "the flapping alert");
        }
        catch (TimeoutException e)
        {
            using var http = new HttpClient { BaseAddress = await alerting.ListeningAddressAsync(TimeSpan.FromSeconds(5)) };
            var metrics = string.Join("\n", (await http.GetStringAsync("/metrics")).Split('\n').Where(l => l.StartsWith("fleetmonitor_alerting", StringComparison.Ordinal)));
            await using var connection = await database.Database.OpenAsync(CancellationToken.None);
            var windows = string.Join("\n", await connection.QueryAsync<string>("SELECT transitions || ' ' || coalesce(last_change_started_at::text, '-') FROM alert_windows"));
            throw new TimeoutException($"{e.Message}; {metrics}\n{windows}\nstate changes waiting: {await vhost.QueueDepthAsync("alerting-state-changes")}, in error: {await vhost.QueueDepthAsync("alerting-state-changes_error")}\n{alerting.Output}", e);
        }
        await Eventually.WaitAsync(() => vhost.QueueDepthAsync("alerting-state-changes"), n => n == 0, TimeSpan.FromSeconds(60), "the state changes consumed");
        await Eventually.WaitAsync(() => Task.FromResult(WebhookPayloads.Read(receiver)), p => p.Count >= 1, TimeSpan.FromSeconds(60), "the page");
        // Every state change Ingestion sent has been evaluated and every notification queued has been settled: a second
        // alert or page would be in the receiver by now.
        var sent = await Eventually.WaitAsync(() => CountAsync(database, "SELECT count(*) FROM state_change_outbox WHERE sent_at IS NOT NULL"),
            n => n > 0, TimeSpan.FromSeconds(60), "state changes sent");
        await Eventually.WaitAsync(() => ObservedStateChangesAsync(alerting), n => n >= sent, TimeSpan.FromSeconds(60), "every state change evaluated");
        await Eventually.WaitAsync(() => CountAsync(database, "SELECT count(*) FROM alert_notifications WHERE status = 'pending'"), n => n == 0, TimeSpan.FromSeconds(60), "every notification settled");
        var page = Assert.Single(WebhookPayloads.Read(receiver));
        Assert.Equal(("firing", "FleetMonitorProbeFlapping"), (page.Action, page.Alertname));
        await using var db = await database.Database.OpenAsync(CancellationToken.None);
        Assert.Equal(["flapping"], await db.QueryAsync<string>("SELECT cause FROM alerts"));
    }

    private static async Task<long> ObservedStateChangesAsync(ChildProcess alerting)
    {
        using var http = new HttpClient { BaseAddress = await alerting.ListeningAddressAsync(TimeSpan.FromSeconds(5)) };
        return (long)(await http.GetStringAsync("/metrics")).Split('\n')
            .Where(l => l.StartsWith("fleetmonitor_alerting_observations_total{source=\"state_change\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<WebApplication> StartIngestionAsync(RabbitMqVhost vhost, TestDatabase database)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = database.Dialect.ToString(),
            ["Storage:ConnectionString"] = database.ConnectionString,
            ["Bus:Transport"] = nameof(BusTransport.RabbitMq),
            ["Bus:Host"] = RabbitMqVhost.Host,
            ["Bus:VirtualHost"] = vhost.Name,
            ["Bus:Username"] = RabbitMqVhost.User,
            ["Bus:Password"] = RabbitMqVhost.Password,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults();
        builder.AddFleetMonitorIngestion();
        builder.AddFleetMonitorBus(IngestionHostingExtensions.AddConsumers);
        var app = builder.Build();
        await app.StartAsync();
        return app;
    }

    private static async Task<long> CountAsync(TestDatabase database, string sql)
    {
        await using var db = await database.Database.OpenAsync(CancellationToken.None);
        return await db.ExecuteScalarAsync<long>(sql);
    }
}
