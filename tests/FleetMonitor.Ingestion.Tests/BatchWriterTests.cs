using Dapper;
using FleetMonitor.Contracts;
using FleetMonitor.Ingestion.Results;
using FleetMonitor.ServiceDefaults;
using FleetMonitor.Storage;
using TestResults = FleetMonitor.Storage.Tests.Results;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using FleetMonitor.Storage.Tests;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Ingestion.Tests;

/// <summary>
/// The batch writer completes every queued write on every path (stored, transient failure, permanent failure,
/// shutdown), and the relay publishes what it stored to the outbox, in order, once.
/// </summary>
public sealed class BatchWriterTests
{
    [Fact]
    public async Task A_database_that_cannot_be_reached_fails_the_write_as_transient()
    {
        // A Unix socket folder that does not exist: the connection is refused at once, and no port is involved.
        var database = new Database(StorageDialect.PostgreSql, $"Host=/nonexistent-{Guid.NewGuid():N};Username=x;Password=x;Database=x;Timeout=2");
        await using var writer = await StartWriterAsync(database);

        var error = await Assert.ThrowsAsync<TransientStorageException>(() => writer.Writer.WriteAsync([TestResults.Make(Now())], CancellationToken.None));
        Assert.True(TransientFailures.IsTransient(error.InnerException!));
    }

    [Fact]
    public async Task A_permanent_database_error_fails_the_write_as_it_is()
    {
        // SQLite without the schema: "no such table" will never pass by itself.
        var path = Path.Combine(Path.GetTempPath(), $"fm-unmigrated-{Guid.NewGuid():N}.db");
        try
        {
            await using var writer = await StartWriterAsync(new Database(StorageDialect.Sqlite, $"Data Source={path}"));
            var error = await Assert.ThrowsAnyAsync<Exception>(() => writer.Writer.WriteAsync([TestResults.Make(Now())], CancellationToken.None));
            Assert.IsNotType<TransientStorageException>(error);
            Assert.Contains("no such table", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_write_waiting_for_its_batch_is_cancelled_when_the_writer_stops()
    {
        await using var db = await TestDatabase.CreateAsync(StorageDialect.Sqlite);
        var writer = await StartWriterAsync(db.Database, new IngestionOptions { MaxBatchSize = 10_000, MaxBatchDelay = TimeSpan.FromMinutes(10) });
        var write = writer.Writer.WriteAsync([TestResults.Make(Now())], CancellationToken.None);
        // The batch is due in ten minutes, not ten seconds: a busy machine cannot make it due within the window below.
        await Task.Delay(200);
        Assert.False(write.IsCompleted, "the write completed before its batch was due");

        await writer.DisposeAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_write_queued_to_a_writer_stopped_before_its_loop_ran_is_cancelled()
    {
        await using var db = await TestDatabase.CreateAsync(StorageDialect.Sqlite);
        var time = TimeProvider.System;
        var opts = Options.Create(new IngestionOptions());
        var outbox = new StateChangeOutbox(db.Database, time);
        using var relay = new StateChangeRelay(outbox, MassTransit.Bus.Factory.CreateUsingInMemory(_ => { }), new AlertingQueueDeclaration(Options.Create(new BusOptions())), opts, time, NullLogger<StateChangeRelay>.Instance);
        using var writer = new ResultBatchWriter(new ResultStore(db.Database, outbox, time), relay, new IngestionMetrics(), opts, time, NullLogger<ResultBatchWriter>.Instance);

        // A host stopping while it starts: the loop is started with a token that is already cancelled, so it may never run.
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();
        try
        {
            await writer.StartAsync(stopping.Token);
        }
        catch (OperationCanceledException)
        {
        }

        var write = writer.WriteAsync([TestResults.Make(Now())], CancellationToken.None);
        await writer.StopAsync(CancellationToken.None);

        // Bounded: a write nobody completes would hang here (as a consumer's delivery would, for ever).
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write.WaitAsync(TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.WriteAsync([TestResults.Make(Now())], CancellationToken.None));
    }

    [Fact]
    public async Task Stored_changes_go_through_the_outbox_and_the_relay_publishes_them_in_order_once()
    {
        await using var db = await TestDatabase.CreateAsync(StorageDialect.Sqlite);
        var services = new ServiceCollection()
            .AddSingleton(db.Database)
            .AddSingleton(TimeProvider.System)
            .AddSingleton<StateChangeOutbox>()
            .AddSingleton<ResultStore>()
            .AddSingleton<IngestionMetrics>()
            .AddSingleton(Options.Create(new IngestionOptions { RelayPollInterval = TimeSpan.FromMilliseconds(50) }))
            .AddLogging()
            .AddSingleton(Options.Create(new BusOptions()))
            .AddSingleton<AlertingQueueDeclaration>()
            .AddSingleton<StateChangeRelay>()
            .AddSingleton<ResultBatchWriter>()
            .AddMassTransitTestHarness()
            .BuildServiceProvider(true);
        await using var _ = services;
        var harness = services.GetRequiredService<ITestHarness>();
        await harness.Start();
        var writer = services.GetRequiredService<ResultBatchWriter>();
        var relay = services.GetRequiredService<StateChangeRelay>();
        await writer.StartAsync(CancellationToken.None);

        // ok → failed → ok → failed for one probe: four changes, each in its own batch.
        var start = Now();
        var outcomes = new[] { ProbeOutcome.Ok, ProbeOutcome.Failed, ProbeOutcome.Ok, ProbeOutcome.Failed };
        var results = outcomes.Select((o, i) => TestResults.Make(start.AddSeconds(i), outcome: o)).ToList();
        foreach (var result in results)
        {
            await writer.WriteAsync([result], CancellationToken.None);
        }

        var outbox = services.GetRequiredService<StateChangeOutbox>();
        Assert.Equal(4, await outbox.CountUnsentAsync(CancellationToken.None));

        await relay.StartAsync(CancellationToken.None);
        try
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (await outbox.CountUnsentAsync(CancellationToken.None) > 0 && waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(50);
            }

            Assert.Equal(0, await outbox.CountUnsentAsync(CancellationToken.None));
            var published = harness.Published.Select<ProbeStateChanged>().Select(p => p.Context.Message).ToList();
            Assert.Equal(results.Select(r => r.Id), published.Select(p => p.ResultId));
            Assert.Equal(outcomes, published.Select(p => p.Outcome));
            Assert.True(published.Select(p => p.Sequence).SequenceEqual(published.Select(p => p.Sequence).Order()));
            Assert.All(published, p => Assert.True(p.Sequence > 0));

            // Marked sent, not published again on the next passes.
            relay.Wake();
            await Task.Delay(300);
            Assert.Equal(4, harness.Published.Select<ProbeStateChanged>().Count());
            await using var connection = await db.Database.OpenAsync(CancellationToken.None);
            Assert.Equal(4, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM state_change_outbox WHERE sent_at IS NOT NULL"));
        }
        finally
        {
            await relay.StopAsync(CancellationToken.None);
            await writer.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Stored_results_are_counted_in_the_fleet_series_by_site_kind_outcome_and_finding()
    {
        await using var db = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var writer = await StartWriterAsync(db.Database);
        var site = $"metrics-{Guid.NewGuid():N}"[..30];
        var start = Now();

        await writer.Writer.WriteAsync(
            [
                TestResults.Make(start, agentId: "agent-m1", outcome: ProbeOutcome.Failed, siteId: site, findings: ["tcp.refused"]),
                TestResults.Make(start.AddSeconds(1), agentId: "agent-m1", outcome: ProbeOutcome.Failed, siteId: site, findings: ["tcp.refused"]),
                TestResults.Make(start, agentId: "agent-m2", outcome: ProbeOutcome.Ok, siteId: site),
            ],
            CancellationToken.None);

        using var stream = new MemoryStream();
        await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(stream);
        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        Assert.Contains($"fleetmonitor_fleet_results_total{{site=\"{site}\",kind=\"tcp\",outcome=\"failed\"}} 2", text, StringComparison.Ordinal);
        Assert.Contains($"fleetmonitor_fleet_results_total{{site=\"{site}\",kind=\"tcp\",outcome=\"ok\"}} 1", text, StringComparison.Ordinal);
        Assert.Matches(@"fleetmonitor_fleet_findings_total\{code=""tcp.refused""\} [1-9]", text);
        Assert.DoesNotContain("agent-m1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_the_database_refuses_fails_alone_and_the_rest_of_its_batch_is_stored()
    {
        await using var db = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        // A long batch window: the three writes, queued at once, go into one batch.
        await using var writer = await StartWriterAsync(db.Database, new IngestionOptions { MaxBatchDelay = TimeSpan.FromSeconds(2) });
        var start = Now();
        var first = writer.Writer.WriteAsync([TestResults.Make(start, agentId: "agent-b1"), TestResults.Make(start.AddSeconds(1), agentId: "agent-b1")], CancellationToken.None);
        // A NUL character: PostgreSQL refuses it in text, every time (the validator refuses it before; this is the
        // writer's own defence against any value the database refuses).
        var bad = writer.Writer.WriteAsync([TestResults.Make(start, agentId: "agent-b2") with { Target = "pbx\0:5060" }], CancellationToken.None);
        var last = writer.Writer.WriteAsync([TestResults.Make(start, agentId: "agent-b3")], CancellationToken.None);

        await first.WaitAsync(TimeSpan.FromMinutes(2));
        await last.WaitAsync(TimeSpan.FromMinutes(2));
        var error = await Assert.ThrowsAnyAsync<Exception>(() => bad.WaitAsync(TimeSpan.FromMinutes(2)));
        Assert.IsNotType<TransientStorageException>(error);
        Assert.IsNotType<TimeoutException>(error);

        await using var connection = await db.Database.OpenAsync(CancellationToken.None);
        var stored = (await connection.QueryAsync<string>("SELECT agent_id FROM probe_results ORDER BY agent_id")).ToList();
        Assert.Equal(["agent-b1", "agent-b1", "agent-b3"], stored);
    }

    private static DateTimeOffset Now() => TimeProvider.System.GetUtcNow().AddMinutes(-1);

    private static async Task<RunningWriter> StartWriterAsync(Database database, IngestionOptions? options = null)
    {
        var time = TimeProvider.System;
        var opts = Options.Create(options ?? new IngestionOptions());
        var outbox = new StateChangeOutbox(database, time);
        var relay = new StateChangeRelay(outbox, MassTransit.Bus.Factory.CreateUsingInMemory(_ => { }), new AlertingQueueDeclaration(Options.Create(new BusOptions())), opts, time, NullLogger<StateChangeRelay>.Instance);
        var writer = new ResultBatchWriter(new ResultStore(database, outbox, time), relay, new IngestionMetrics(), opts, time, NullLogger<ResultBatchWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        return new RunningWriter(writer, relay);
    }

    private sealed class RunningWriter(ResultBatchWriter writer, StateChangeRelay relay) : IAsyncDisposable
    {
        public ResultBatchWriter Writer => writer;

        public async ValueTask DisposeAsync()
        {
            await writer.StopAsync(CancellationToken.None);
            writer.Dispose();
            relay.Dispose();
        }
    }
}
