using Dapper;
using FleetMonitor.Alerting.Tests.Support;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;

namespace FleetMonitor.Alerting.Tests.EndToEnd;

/// <summary>A receiver that is down, and an Alerting that restarts: retried, shown, and nothing lost.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task A_receiver_that_is_down_is_retried_the_alert_stays_firing_and_a_restart_loses_nothing()
    {
        await using var receiver = await HttpReceiver.StartAsync();
        receiver.Status = 503;
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        var settings = WebhookPayloads.Settings(receiver);
        settings["Alerting:MaxAttempts"] = "100";
        // The default: a notification claimed when Alerting is killed waits out its claim (twice this) before the
        // restarted one delivers it, and the resolve below is waited for 120 s. Pages counted here are distinct.
        settings["Alerting:DeliveryTimeout"] = "00:00:10";
        var (first, _) = await AlertingProcess.StartAsync(vhost, database, settings);
        await using var _first = first;
        await using var agent = await AgentPublisher.ConnectAsync(vhost);
        for (var run = 0; run < 4; run++)
        {
            await agent.PublishAsync(Results.Make("agent-r", "pbx-tcp", "tcp", run, run == 0 ? ProbeOutcome.Ok : ProbeOutcome.Failed));
        }

        // Retried with back-off: several failed attempts recorded with the receiver's answer, the alert still firing.
        var failing = await Eventually.WaitAsync(
            () => QueryAsync(database, "SELECT attempts AS Attempts, status AS Status, last_error AS LastError FROM alert_notifications"),
            rows => rows.Count == 1 && rows[0].Attempts >= 3, TimeSpan.FromSeconds(60), "retries recorded");
        Assert.Equal("pending", failing[0].Status);
        Assert.Contains("503", failing[0].LastError, StringComparison.Ordinal);
        Assert.True(receiver.Requests.Count >= 3);
        Assert.Equal("firing", await ScalarAsync(database, "SELECT state FROM alerts"));
        Assert.Contains("fleetmonitor_alerting_notifications_total{channel=\"webhook\",outcome=\"retry\"}", await MetricsAsync(first), StringComparison.Ordinal);

        // Alerting dies; results arrive while it is down; the receiver comes back; a new Alerting delivers everything.
        await first.KillAsync();
        await agent.PublishAsync(Results.Make("agent-r", "pbx-tcp", "tcp", 4, ProbeOutcome.Ok));
        await agent.PublishAsync(Results.Make("agent-r", "pbx-tcp", "tcp", 5, ProbeOutcome.Ok));
        receiver.Status = 200;
        var (second, _) = await AlertingProcess.StartAsync(vhost, database, settings);
        await using var _second = second;

        await Eventually.WaitAsync(() => Task.FromResult(WebhookPayloads.Read(receiver).Select(p => p.Action).ToList()),
            actions => actions.Contains("resolved"), TimeSpan.FromSeconds(120), "the resolve delivered after the restart");
        var delivered = WebhookPayloads.Read(receiver).Select(p => p.Action).Distinct().ToList();
        Assert.Equal(["firing", "resolved"], delivered);
        Assert.Equal("resolved", await ScalarAsync(database, "SELECT state FROM alerts"));
        var rows = await QueryAsync(database, "SELECT attempts AS Attempts, status AS Status, last_error AS LastError FROM alert_notifications ORDER BY id");
        Assert.Equal(["delivered", "delivered"], rows.Select(r => r.Status));
    }

    private static async Task<string> MetricsAsync(ChildProcess process)
    {
        var address = await process.ListeningAddressAsync(TimeSpan.FromSeconds(5));
        using var http = new HttpClient { BaseAddress = address };
        return await http.GetStringAsync("/metrics");
    }

    private static async Task<List<Delivery>> QueryAsync(TestDatabase database, string sql)
    {
        await using var db = await database.Database.OpenAsync(CancellationToken.None);
        return (await db.QueryAsync<Delivery>(sql)).ToList();
    }

    private static async Task<string?> ScalarAsync(TestDatabase database, string sql)
    {
        await using var db = await database.Database.OpenAsync(CancellationToken.None);
        return await db.ExecuteScalarAsync<string>(sql);
    }

    private sealed record Delivery(int Attempts, string Status, string? LastError);
}
