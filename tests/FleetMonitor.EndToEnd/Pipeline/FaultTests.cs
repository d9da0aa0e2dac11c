using FleetMonitor.EndToEnd.Support;
using FleetMonitor.Storage;
using FleetMonitor.Storage.Tests;

namespace FleetMonitor.EndToEnd.Pipeline;

/// <summary>
/// Faults under a steady load, with real processes: connection cuts and a restart of a RabbitMQ node of the test's own,
/// a minute without PostgreSQL (a server of the test's own), Ingestion killed with SIGKILL mid-batch. Each ends with
/// every result stored exactly once, nothing in an error queue and nothing unacknowledged.
/// </summary>
public sealed class FaultTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    public async Task Results_survive_the_broker_cutting_every_connection_ten_times_mid_run(int resultsPerMessage)
    {
        await using var node = await BrokerNode.StartAsync();
        await using var vhost = await RabbitMqVhost.CreateAsync(node);
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var ingestion = await IngestionHost.StartAsync(vhost, database);
        await using var agent = new AgentSide(vhost, resultsPerMessage);
        var diagnose = Diagnosis(vhost, agent, ingestion);

        // 200 results/s for as long as the ten cuts take (each waits for both clients to reconnect), at most 100,000.
        await using var feed = new ResultFeed(agent.Messages, perTick: 20, tick: TimeSpan.FromMilliseconds(100), max: 100_000);
        await agent.Relay.StartAsync(CancellationToken.None);

        var storedAtCuts = new List<long>();
        for (var cut = 0; cut < 10; cut++)
        {
            // Both clients back, and results flowing again since the last cut.
            var last = storedAtCuts.LastOrDefault();
            await Eventually.WaitAsync(vhost.ConnectionCountAsync, n => n >= 2, TimeSpan.FromSeconds(120), $"both clients connected before cut {cut + 1}", diagnose);
            storedAtCuts.Add(await Eventually.WaitAsync(
                () => ingestion.Results.CountAsync(CancellationToken.None), n => n > last, TimeSpan.FromSeconds(120), $"results stored before cut {cut + 1}", diagnose));
            await vhost.CloseAllConnectionsAsync();
        }

        Assert.False(feed.Finished, "the feed ran out before the tenth cut: the cuts did not all land mid-run");
        var published = await feed.StopAsync();
        Assert.All(storedAtCuts, n => Assert.InRange(n, 1, published.Count - 1));
        await PipelineAssertions.AssertEveryResultStoredOnceAsync(vhost, agent, database.Database, published, diagnose);
    }

    [Fact]
    public async Task Results_survive_a_broker_restart_under_load()
    {
        await using var node = await BrokerNode.StartAsync();
        await using var vhost = await RabbitMqVhost.CreateAsync(node);
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var ingestion = await IngestionHost.StartAsync(vhost, database);
        await using var agent = new AgentSide(vhost, 10);
        var diagnose = Diagnosis(vhost, agent, ingestion);
        await using var feed = new ResultFeed(agent.Messages, perTick: 50, tick: TimeSpan.FromMilliseconds(100), max: 30_000);
        await agent.Relay.StartAsync(CancellationToken.None);

        var before = await Eventually.WaitAsync(() => ingestion.Results.CountAsync(CancellationToken.None), n => n > 0, TimeSpan.FromSeconds(60), "the first results stored", diagnose);
        await node.RestartAsync();
        var after = await Eventually.WaitAsync(() => ingestion.Results.CountAsync(CancellationToken.None), n => n > before + 500, TimeSpan.FromSeconds(120), "results stored after the restart", diagnose);

        Assert.False(feed.Finished, "the feed ran out before the restart was over");
        var published = await feed.StopAsync();
        Assert.InRange(before, 1, published.Count - 1);
        Assert.True(after > before);
        await PipelineAssertions.AssertEveryResultStoredOnceAsync(vhost, agent, database.Database, published, diagnose);
    }

    [Fact]
    public async Task Results_survive_PostgreSQL_stopped_for_a_minute_under_load()
    {
        await using var postgres = await PostgresNode.StartAsync();
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var ingestion = await IngestionHost.StartAsync(vhost, StorageDialect.PostgreSql, postgres.ConnectionString);
        await using var agent = new AgentSide(vhost, 10);
        var diagnose = Diagnosis(vhost, agent, ingestion);
        await using var feed = new ResultFeed(agent.Messages, perTick: 20, tick: TimeSpan.FromMilliseconds(100), max: 30_000);
        await agent.Relay.StartAsync(CancellationToken.None);

        var stored = await Eventually.WaitAsync(() => ingestion.Results.CountAsync(CancellationToken.None), n => n > 0, TimeSpan.FromSeconds(60), "the first results stored", diagnose);
        await postgres.StopAsync();
        var fedAtStop = feed.Count;

        // A minute down, results still arriving: they wait, unacknowledged, instead of going to an error queue.
        await Task.Delay(TimeSpan.FromSeconds(60));
        Assert.Equal(0u, await vhost.QueueDepthAsync("ingestion-result-batches_error"));
        Assert.True(await vhost.UnacknowledgedAsync() > 0, "nothing was waiting for the database during the outage");
        Assert.Contains("The database is unavailable", ingestion.Log.Tail(), StringComparison.Ordinal);
        await postgres.StartAgainAsync();

        await Eventually.WaitAsync(() => ingestion.Results.CountAsync(CancellationToken.None), n => n > fedAtStop, TimeSpan.FromSeconds(120), "results stored after the outage", diagnose);
        var published = await feed.StopAsync();
        Assert.InRange(stored, 1, fedAtStop - 1);
        await PipelineAssertions.AssertEveryResultStoredOnceAsync(vhost, agent, postgres.Database, published, diagnose);
    }

    [Fact]
    public async Task Results_survive_Ingestion_killed_mid_batch_and_restarted()
    {
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var agent = new AgentSide(vhost, 1);
        var ingestion = IngestionProcess.Start(vhost, StorageDialect.PostgreSql, database.ConnectionString);
        try
        {
            async Task<long> Stored() => await new ResultStore(database.Database, TimeProvider.System).CountAsync(CancellationToken.None);
            async Task<string> Diagnose() =>
                $"stored {await Stored()}, agent outbox {await agent.Outbox.CountAsync(CancellationToken.None)}"
                + Environment.NewLine + await vhost.DescribeQueuesAsync() + Environment.NewLine + "Ingestion output:" + Environment.NewLine + ingestion.Tail();
            await using var feed = new ResultFeed(agent.Messages, perTick: 100, tick: TimeSpan.FromMilliseconds(100), max: 30_000);
            await agent.Relay.StartAsync(CancellationToken.None);

            // Killed while deliveries are in flight (unacknowledged at the broker) and results keep coming.
            var before = await Eventually.WaitAsync(Stored, n => n > 0, TimeSpan.FromSeconds(120), "the first results stored", Diagnose);
            await Eventually.WaitAsync(vhost.UnacknowledgedAsync, n => n > 0, TimeSpan.FromSeconds(60), "deliveries in flight", Diagnose);
            await ingestion.KillAsync();
            var atKill = await Stored();

            await using (ingestion)
            {
            }

            ingestion = IngestionProcess.Start(vhost, StorageDialect.PostgreSql, database.ConnectionString);
            await Eventually.WaitAsync(Stored, n => n > atKill, TimeSpan.FromSeconds(120), "results stored after the restart", Diagnose);
            var published = await feed.StopAsync();
            Assert.InRange(before, 1, published.Count - 1);
            Assert.InRange(atKill, 1, published.Count - 1);
            await PipelineAssertions.AssertEveryResultStoredOnceAsync(vhost, agent, database.Database, published, Diagnose);
        }
        finally
        {
            await ingestion.DisposeAsync();
        }
    }

    private static Func<Task<string>> Diagnosis(RabbitMqVhost vhost, AgentSide agent, IngestionHost ingestion) => async () =>
    {
        long stored;
        try
        {
            stored = await ingestion.Results.CountAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException)
        {
            stored = -1;
        }

        return $"stored {stored}, agent outbox {await agent.Outbox.CountAsync(CancellationToken.None)}"
            + Environment.NewLine + await vhost.DescribeQueuesAsync()
            + Environment.NewLine + "Ingestion log:" + Environment.NewLine + ingestion.Log.Tail();
    };
}
