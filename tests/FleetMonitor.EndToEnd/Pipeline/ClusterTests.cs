using FleetMonitor.EndToEnd.Support;
using FleetMonitor.Storage;
using FleetMonitor.Storage.Tests;

namespace FleetMonitor.EndToEnd.Pipeline;

/// <summary>
/// Scale-out on RabbitMQ's own clustering: a 3-node cluster of the test's own, the agent-facing queues quorum queues,
/// two Ingestion processes as competing consumers. One broker node and one Ingestion instance are killed with SIGKILL
/// under load; every result is still stored exactly once.
/// </summary>
public sealed class ClusterTests
{
    private static readonly string[] AgentQueues = ["ingestion-results", "ingestion-result-batches", "ingestion-heartbeats"];

    // Three broker nodes on one machine: 1.5 min idle, over 20 min at a load of 30. Run by hand with the other soaks
    // (FLEETMONITOR_TEST_SOAK=1 bash scripts/test.sh), not in every CI run.
    [Fact]
    [Trait("Category", "Soak")]
    public async Task Every_result_is_stored_once_when_a_broker_node_and_an_Ingestion_instance_are_killed()
    {
        await using var cluster = await BrokerCluster.StartAsync();
        await using var vhost = await RabbitMqVhost.CreateAsync(cluster.Nodes[0]);
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);

        // Instance A works through node 2 first, B through node 3; both move on to the other nodes when theirs is lost.
        var first = IngestionProcess.Start(vhost, StorageDialect.PostgreSql, database.ConnectionString, cluster.Nodes[1].Port, [cluster.Endpoint(1), cluster.Endpoint(3)]);
        await using var second = IngestionProcess.Start(vhost, StorageDialect.PostgreSql, database.ConnectionString, cluster.Nodes[2].Port, [cluster.Endpoint(1), cluster.Endpoint(2)]);
        try
        {
            await using var agent = new AgentSide(vhost, 10, clusterNodes: [cluster.Endpoint(2), cluster.Endpoint(3)]);
            async Task<long> Stored() => await new ResultStore(database.Database, TimeProvider.System).CountAsync(CancellationToken.None);
            async Task<string> Diagnose() =>
                $"stored {await Stored()}, agent outbox {await agent.Outbox.CountAsync(CancellationToken.None)}"
                + Environment.NewLine + await vhost.DescribeQueuesAsync()
                + Environment.NewLine + "Ingestion A:" + Environment.NewLine + first.Tail()
                + Environment.NewLine + "Ingestion B:" + Environment.NewLine + second.Tail();

            // Both instances consume every agent-facing queue, and those queues are replicated (quorum).
            foreach (var queue in AgentQueues)
            {
                await Eventually.WaitAsync(() => vhost.ConsumersAsync(queue), n => n == 2, TimeSpan.FromSeconds(180), $"both instances consuming {queue}", Diagnose);
                Assert.Equal("quorum", await vhost.QueueTypeAsync(queue));
            }

            await using var feed = new ResultFeed(agent.Messages, perTick: 50, tick: TimeSpan.FromMilliseconds(100), max: 200_000);
            await agent.Relay.StartAsync(CancellationToken.None);
            var before = await Eventually.WaitAsync(Stored, n => n > 0, TimeSpan.FromSeconds(120), "the first results stored", Diagnose);

            // The node killed holds connections (instance A's at least), so the kill lands on clients.
            Assert.True(await cluster.ConnectionsOnAsync(2) > 0, "no client was connected to node 2");
            await cluster.KillNodeAsync(2);
            var afterNode = await Eventually.WaitAsync(Stored, n => n > before + 500, TimeSpan.FromSeconds(180), "results stored after node 2 was killed", Diagnose);

            await Eventually.WaitAsync(vhost.UnacknowledgedAsync, n => n > 0, TimeSpan.FromSeconds(60), "deliveries in flight", Diagnose);
            await first.KillAsync();
            await Eventually.WaitAsync(Stored, n => n > afterNode + 500, TimeSpan.FromSeconds(180), "results stored by instance B alone", Diagnose);

            Assert.False(feed.Finished, "the feed ran out before both kills were over");
            var published = await feed.StopAsync();
            await PipelineAssertions.AssertEveryResultStoredOnceAsync(vhost, agent, database.Database, published, Diagnose);
        }
        finally
        {
            await first.DisposeAsync();
        }
    }
}
