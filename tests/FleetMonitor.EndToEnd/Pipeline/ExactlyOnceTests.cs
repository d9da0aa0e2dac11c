using Dapper;
using FleetMonitor.Contracts;
using FleetMonitor.EndToEnd.Support;
using FleetMonitor.Storage;
using FleetMonitor.Storage.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace FleetMonitor.EndToEnd.Pipeline;

/// <summary>
/// Agent publisher → real RabbitMQ → Ingestion → real PostgreSQL: every result stored exactly once, published one per
/// message and 50 per message.
/// </summary>
public sealed class ExactlyOnceTests
{
    private const int Count = 2000;

    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    public async Task Every_result_is_stored_once(int resultsPerMessage)
    {
        var (stored, ids) = await RunAsync(copies: 1, resultsPerMessage);
        Assert.Equal(Count, stored.Count);
        Assert.Equal(ids.Order(), stored.Order());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    public async Task Every_result_published_twice_is_stored_once(int resultsPerMessage)
    {
        var (stored, ids) = await RunAsync(copies: 2, resultsPerMessage);
        Assert.Equal(Count, stored.Count);
        Assert.Equal(ids.Order(), stored.Order());
    }

    private static async Task<(List<Guid> Stored, List<Guid> Published)> RunAsync(int copies, int resultsPerMessage)
    {
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var ingestion = await IngestionHost.StartAsync(vhost, database);
        await using var agent = new AgentSide(vhost, resultsPerMessage);
        async Task<string> Diagnose() =>
            $"stored {await ingestion.Results.CountAsync(CancellationToken.None)}, agent outbox {await agent.Outbox.CountAsync(CancellationToken.None)}"
            + Environment.NewLine + await vhost.DescribeQueuesAsync()
            + Environment.NewLine + "Ingestion log:" + Environment.NewLine + ingestion.Log.Tail();

        var now = TimeProvider.System.GetUtcNow();
        var results = Enumerable.Range(0, Count).Select(i => Result(now.AddMilliseconds(-Count + i), $"probe-{i % 40}", i)).ToList();
        foreach (var result in results)
        {
            for (var copy = 0; copy < copies; copy++)
            {
                await agent.Messages.EnqueueAsync(result, CancellationToken.None);
            }
        }

        await agent.Relay.StartAsync(CancellationToken.None);
        await Eventually.WaitAsync(() => agent.Outbox.CountAsync(CancellationToken.None), n => n == 0, TimeSpan.FromSeconds(120), "the outbox draining", Diagnose);
        await Eventually.WaitAsync(() => ingestion.Results.CountAsync(CancellationToken.None), n => n >= Count, TimeSpan.FromSeconds(120), "all results stored", Diagnose);

        // Let redeliveries (the duplicates) arrive and be refused, then count again.
        await Eventually.WaitAsync(() => vhost.QueueDepthAsync("ingestion-results"), n => n == 0, TimeSpan.FromSeconds(60), "the queue draining", Diagnose);
        await Eventually.WaitAsync(() => vhost.QueueDepthAsync("ingestion-result-batches"), n => n == 0, TimeSpan.FromSeconds(60), "the batch queue draining", Diagnose);
        // A delivery is acknowledged after its batch commits: the last batch's rows can be visible a moment before its
        // acknowledgements reach the broker.
        await Eventually.WaitAsync(() => vhost.UnacknowledgedAsync(), n => n == 0, TimeSpan.FromSeconds(60), "every delivery acknowledged", Diagnose);

        await using var db = await database.Database.OpenAsync(CancellationToken.None);
        var stored = (await db.QueryAsync<Guid>("SELECT id FROM probe_results")).ToList();
        Assert.Equal(0u, await vhost.QueueDepthAsync("ingestion-results_error"));
        Assert.Equal(0u, await vhost.QueueDepthAsync("ingestion-result-batches_error"));
        await AssertStateChangesWaitForAlertingInOrderAsync(vhost, ingestion, db);
        return (stored, results.Select(r => r.Id).ToList());
    }

    /// <summary>
    /// Every state change in the outbox is published once to the alerting service's queue (which nobody consumes yet:
    /// Ingestion declared it), in sequence order per agent/probe, carrying the result id and start time.
    /// </summary>
    private static async Task AssertStateChangesWaitForAlertingInOrderAsync(RabbitMqVhost vhost, IngestionHost ingestion, System.Data.Common.DbConnection db)
    {
        var outbox = ingestion.Services.GetRequiredService<StateChangeOutbox>();
        await Eventually.WaitAsync(() => outbox.CountUnsentAsync(CancellationToken.None), n => n == 0, TimeSpan.FromSeconds(60), "the state-change outbox relayed");
        var sequences = (await db.QueryAsync<long>("SELECT sequence FROM state_change_outbox ORDER BY sequence")).ToList();
        Assert.NotEmpty(sequences);
        await Eventually.WaitAsync(() => vhost.QueueDepthAsync("alerting-state-changes"), n => n >= sequences.Count, TimeSpan.FromSeconds(60), "the changes in the alerting queue");

        await using var connection = await vhost.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var received = new List<(string Key, long Sequence, Guid ResultId)>();
        while (await channel.BasicGetAsync("alerting-state-changes", autoAck: true) is { } message)
        {
            using var json = System.Text.Json.JsonDocument.Parse(message.Body);
            var change = json.RootElement.GetProperty("message");
            Assert.True(change.GetProperty("startedAt").GetDateTimeOffset() > DateTimeOffset.MinValue);
            received.Add((change.GetProperty("agentId").GetString() + "/" + change.GetProperty("probeId").GetString(),
                change.GetProperty("sequence").GetInt64(), change.GetProperty("resultId").GetGuid()));
        }

        Assert.Equal(sequences, received.Select(r => r.Sequence).Order());
        Assert.All(received, r => Assert.NotEqual(Guid.Empty, r.ResultId));
        foreach (var key in received.GroupBy(r => r.Key))
        {
            var order = key.Select(r => r.Sequence).ToList();
            Assert.Equal(order.Order(), order);
        }
    }

    private static ProbeCompleted Result(DateTimeOffset startedAt, string probeId, int i) => new()
    {
        SchemaVersion = ProbeCompleted.CurrentSchemaVersion,
        Id = Guid.CreateVersion7(startedAt),
        AgentId = "agent-e2e",
        SiteId = "site-e2e",
        ProbeId = probeId,
        ProbeVersion = 1,
        Kind = "tcp",
        Target = "pbx.example.com:5061",
        StartedAt = startedAt,
        DurationMs = 3.5,
        Outcome = i % 11 == 0 ? ProbeOutcome.Failed : ProbeOutcome.Ok,
        Measurements = new Dictionary<string, double> { ["connect_ms"] = 3.5 },
        Findings = i % 11 == 0 ? ["tcp.refused"] : [],
    };
}
