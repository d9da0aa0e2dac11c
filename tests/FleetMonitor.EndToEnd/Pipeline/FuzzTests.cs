using FleetMonitor.Bench.Ingestion;
using FleetMonitor.Contracts;
using FleetMonitor.EndToEnd.Support;
using FleetMonitor.Storage;
using FleetMonitor.Storage.Tests;
using RabbitMQ.Client;

namespace FleetMonitor.EndToEnd.Pipeline;

/// <summary>
/// A small share of the benchmark's fuzz run (bench: <c>-- fuzz 1000000</c>): random and mutated messages to the three
/// consumers through the real broker end only in error queues (counted) or stored; nothing stalls, nothing is left
/// unacknowledged, and Ingestion keeps storing valid results afterwards.
/// </summary>
public sealed class FuzzTests
{
    private const int Count = 600;

    [Fact]
    public async Task Random_and_mutated_messages_end_in_error_queues_and_nothing_stalls()
    {
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var ingestion = await IngestionHost.StartAsync(vhost, database);
        // Every series the check sums afterwards, read the same way (earlier tests in this process counted rejections
        // on other queues and for other reasons, e.g. impersonation).
        var rejectedBefore = await FuzzCheck.RejectedTotalAsync(ingestion.Address.ToString());

        await using var connection = await vhost.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        var fuzz = new FuzzMessages(seed: 42);
        var properties = new BasicProperties { Persistent = true, ContentType = "application/json" };
        for (var i = 0; i < Count; i++)
        {
            var (routingKey, body) = fuzz.Next(TimeProvider.System.GetUtcNow());
            await channel.BasicPublishAsync(WireFormat.AgentExchange, routingKey, mandatory: false, properties, body);
        }

        var outcome = await FuzzCheck.DrainAsync(async q => await vhost.QueueDepthAsync(q), ingestion.Address.ToString(), vhost.UnacknowledgedAsync, rejectedBefore, TimeSpan.FromSeconds(180));
        Assert.True(outcome.Ready == 0 && outcome.Unacknowledged == 0, $"stalled: {outcome}{Environment.NewLine}{await vhost.DescribeQueuesAsync()}");
        Assert.True(outcome.Healthy, "Ingestion is not healthy after the fuzz");

        // Most mutations cannot be valid; every refused one is in an error queue and counted. A message on a heartbeat
        // routing key reaches two readers (the heartbeat recorder and the schedule status), each refusing it once.
        Assert.InRange(outcome.ErrorQueued, Count / 2, 2 * Count);
        Assert.Equal(outcome.ErrorQueued, outcome.Counted);

        // Still storing.
        var before = await ingestion.Results.CountAsync(CancellationToken.None);
        var valid = ResultFeed.Result(TimeProvider.System.GetUtcNow(), "agent-after-fuzz", "site-e2e", "probe-1", 1);
        await channel.BasicPublishAsync(
            WireFormat.AgentExchange, "result.site-e2e.tcp", mandatory: true, properties, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(valid, WireFormat.Options));
        await Eventually.WaitAsync(() => ingestion.Results.CountAsync(CancellationToken.None), n => n == before + 1, TimeSpan.FromSeconds(60), "a valid result stored after the fuzz");
    }
}
