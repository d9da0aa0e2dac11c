using System.Text;
using FleetMonitor.Agent.Outbox;
using FleetMonitor.Agent.Publishing;
using FleetMonitor.Agent.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Agent.Tests.Publishing;

/// <summary>Against the real broker, through a proxy that can stop answering: unconfirmed publishing never sticks.</summary>
public sealed class PublishTimeoutTests
{
    [Fact]
    public async Task A_broker_connection_that_stops_answering_is_dropped_and_publishing_goes_on_over_a_new_one()
    {
        await using var broker = await AgentBroker.CreateAsync("home");
        await using var proxy = new FreezingProxy(AgentBroker.Host, 5672);
        using var folder = new TempDirectory();
        var options = Options.Create(new AgentOptions
        {
            AgentId = "pc-1",
            SiteId = "home",
            OutboxPath = folder.File("outbox.db"),
            Broker =
            {
                Uri = $"amqp://{broker.AgentUser}:{broker.AgentPassword}@127.0.0.1:{proxy.Port}/{Uri.EscapeDataString(broker.VirtualHost)}",
                MaxResultsPerMessage = 1,
                // Long enough that a busy broker confirms m0 on the first connection (3 s did not always suffice), short
                // enough that the frozen connection below is given up within the wait.
                PublishTimeout = TimeSpan.FromSeconds(15),
                MinReconnectDelay = TimeSpan.FromMilliseconds(50),
                MaxReconnectDelay = TimeSpan.FromMilliseconds(500),
            },
        });
        using var outbox = new ResultOutbox(options, TimeProvider.System);
        await using var transport = new RabbitMqResultTransport(options, NullLogger<RabbitMqResultTransport>.Instance);
        using var relay = new OutboxRelay(outbox, transport, options, TimeProvider.System, NullLogger<OutboxRelay>.Instance);

        await Enqueue(outbox, "m0");
        await relay.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(async () => await outbox.CountAsync(CancellationToken.None) == 0, TimeSpan.FromSeconds(60), "m0 confirmed");
            Assert.Equal(1, proxy.Accepted);

            // The connection stays open and says nothing more: m1's confirm never comes on it. Without a bound the
            // relay would wait on it until the client's heartbeat gave up (minutes); with it, m1 goes on a new one.
            proxy.Freeze();
            await Enqueue(outbox, "m1");
            await Eventually.TrueAsync(async () => await outbox.CountAsync(CancellationToken.None) == 0, TimeSpan.FromSeconds(60), "m1 confirmed over a new connection");
            Assert.True(proxy.Accepted >= 2, $"{proxy.Accepted} connections: m1 was not sent over a new one");
        }
        finally
        {
            await relay.StopAsync(CancellationToken.None);
        }

        var delivered = (await broker.DrainAsync()).Select(m => Encoding.UTF8.GetString(m.Body)).Distinct().Order().ToList();
        Assert.Equal(["{\"id\":\"m0\"}", "{\"id\":\"m1\"}"], delivered);
    }

    private static Task Enqueue(ResultOutbox outbox, string id) =>
        outbox.EnqueueAsync("result.home.tcp", id, "ProbeCompleted", Encoding.UTF8.GetBytes($"{{\"id\":\"{id}\"}}"), CancellationToken.None);
}
