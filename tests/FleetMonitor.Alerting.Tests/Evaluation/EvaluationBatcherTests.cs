using System.Text.Json;
using FleetMonitor.Alerting.Evaluation;
using FleetMonitor.Alerting.Policies;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FleetMonitor.Alerting.Tests.Evaluation;

/// <summary>The batcher on PostgreSQL: many windows in one transaction, and nothing handed over left waiting when it stops.</summary>
public sealed class EvaluationBatcherTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Results_handed_over_before_a_stop_that_comes_right_after_the_start_are_all_evaluated()
    {
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        using var services = Services(database);
        var batcher = services.GetRequiredService<EvaluationBatcher>();

        // Handed over before the batcher ran, then a start and an immediate stop: whether the loop got to them or not,
        // every call completes and every result is in its window.
        var calls = Enumerable.Range(0, 40).Select(i => batcher.EvaluateAsync(Result($"agent-{i % 4}", "pbx-tcp", i, ProbeOutcome.Ok), CancellationToken.None)).ToList();
        await batcher.StartAsync(CancellationToken.None);
        await batcher.StopAsync(CancellationToken.None);
        await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(60));

        // After the stop, a call is evaluated by the caller itself.
        await batcher.EvaluateAsync(Result("agent-late", "pbx-tcp", 0, ProbeOutcome.Ok), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        await using var db = await database.Database.OpenAsync(CancellationToken.None);
        var windows = (await Dapper.SqlMapper.QueryAsync<(string AgentId, string Entries)>(db, "SELECT agent_id, entries FROM alert_windows ORDER BY agent_id")).ToList();
        Assert.Equal(["agent-0", "agent-1", "agent-2", "agent-3", "agent-late"], windows.Select(w => w.AgentId));
        Assert.Equal([5, 5, 5, 5, 1], windows.Select(w => JsonDocument.Parse(w.Entries).RootElement.GetArrayLength()));
    }

    [Fact]
    public async Task One_batch_over_many_windows_opens_and_resolves_like_one_result_at_a_time()
    {
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        using var services = Services(database);
        var evaluator = services.GetRequiredService<AlertEvaluator>();

        // Per agent: ok, ok, failed × 3 (a regression), ok × 2 (its resolve) — all agents in one batch, interleaved.
        var outcomes = new[] { ProbeOutcome.Ok, ProbeOutcome.Ok, ProbeOutcome.Failed, ProbeOutcome.Failed, ProbeOutcome.Failed, ProbeOutcome.Ok, ProbeOutcome.Ok };
        var items = Enumerable.Range(0, outcomes.Length)
            .SelectMany(run => Enumerable.Range(0, 30).Select(agent => EvaluationItem.Of(Result($"agent-{agent}", "pbx-tcp", run, outcomes[run]))))
            .ToList();
        var statuses = await evaluator.EvaluateAsync(items[..(30 * 5)], CancellationToken.None);
        Assert.All(statuses, s => Assert.Equal(WindowStatus.Applied, s));
        var alerts = services.GetRequiredService<AlertStore>();
        Assert.Equal(30, (await alerts.ListAsync(null, null, AlertStates.Firing, 100, CancellationToken.None)).Count(a => a.Alertname == AlertCauses.RegressionAlert));

        // The same results again change nothing; the passes resolve every alert.
        Assert.All(await evaluator.EvaluateAsync(items[..(30 * 5)], CancellationToken.None), s => Assert.Equal(WindowStatus.Duplicate, s));
        await evaluator.EvaluateAsync(items[(30 * 5)..], CancellationToken.None);
        var all = await alerts.ListAsync(null, null, null, 100, CancellationToken.None);
        Assert.Equal(30, all.Count);
        Assert.All(all, a => Assert.Equal(AlertStates.Resolved, a.State));
    }

    [Fact]
    public async Task Lanes_side_by_side_keep_each_windows_order_and_evaluate_everything()
    {
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        using var services = Services(database, lanes: 4);
        var batcher = services.GetRequiredService<EvaluationBatcher>();
        await batcher.StartAsync(CancellationToken.None);
        try
        {
            // 40 agents × 2 probes, each pair's results handed over in one call (as a batch message's are), all calls at
            // once: ok, ok, failed × 3, ok × 2. Out of order, a window would drop the older results and the regression
            // would neither open nor resolve.
            var outcomes = new[] { ProbeOutcome.Ok, ProbeOutcome.Ok, ProbeOutcome.Failed, ProbeOutcome.Failed, ProbeOutcome.Failed, ProbeOutcome.Ok, ProbeOutcome.Ok };
            var callers = Enumerable.Range(0, 40).SelectMany(agent => new[] { "pbx-tcp", "prov-tcp" }.Select(probe =>
                batcher.EvaluateAsync(outcomes.Select((outcome, run) => Result($"agent-{agent}", probe, run, outcome)).ToList(), CancellationToken.None)));
            await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(120));
        }
        finally
        {
            await batcher.StopAsync(CancellationToken.None);
        }

        var all = await services.GetRequiredService<AlertStore>().ListAsync(null, null, null, 500, CancellationToken.None);
        Assert.Equal(80, all.Count(a => a.Alertname == AlertCauses.RegressionAlert));
        Assert.All(all, a => Assert.Equal(AlertStates.Resolved, a.State));
    }

    private static ServiceProvider Services(TestDatabase database, int lanes = 1)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = database.Dialect.ToString(),
            ["Storage:ConnectionString"] = database.ConnectionString,
            ["Alerting:ClusteredScheduler"] = "false",
            ["Alerting:EvaluationBatchSize"] = "7",
            ["Alerting:EvaluationLanes"] = lanes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.Services.AddLogging();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddFleetMonitorAlerting();
        return builder.Services.BuildServiceProvider();
    }

    private static Observation Result(string agentId, string probeId, int run, ProbeOutcome outcome) => new()
    {
        AgentId = agentId, SiteId = "site-a", ProbeId = probeId, Kind = "tcp", Target = "pbx.example.net:5060",
        ResultId = Guid.CreateVersion7(T0.AddSeconds(run)), StartedAt = T0.AddSeconds(run), Outcome = outcome,
        Findings = outcome == ProbeOutcome.Failed ? ["tcp.refused"] : [],
    };
}
