using System.Text;
using FleetMonitor.Agent.Outbox;
using FleetMonitor.Agent.Publishing;
using FleetMonitor.Agent.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Agent.Tests.Publishing;

/// <summary>Against the real broker: what it refuses every time is set aside, everything else still arrives.</summary>
public sealed class RabbitMqDeadLetterTests
{
    [Fact]
    public async Task Access_refused_and_returned_messages_are_dead_lettered_and_the_rest_is_delivered()
    {
        await using var broker = await AgentBroker.CreateAsync("home");
        using var folder = new TempDirectory();
        var options = Options.Create(new AgentOptions
        {
            AgentId = "pc-1",
            SiteId = "home",
            OutboxPath = folder.File("outbox.db"),
            Broker = { Uri = broker.AgentUri, MaxResultsPerMessage = 1, MaxRefusals = 2, MinReconnectDelay = TimeSpan.FromMilliseconds(50), MaxReconnectDelay = TimeSpan.FromMilliseconds(500) },
        });
        using var outbox = new ResultOutbox(options, TimeProvider.System);
        // After a site move: this agent's credentials may not publish for "office" (403 ACCESS_REFUSED), and nothing is bound to "unbound." (returned).
        foreach (var (key, id) in new[] { ("result.home.tcp", "m0"), ("result.office.tcp", "moved"), ("result.home.tcp", "m2"), ("unbound.home", "lost"), ("heartbeat.home", "m4") })
        {
            await outbox.EnqueueAsync(key, id, key.StartsWith("heartbeat", StringComparison.Ordinal) ? "AgentHeartbeatSent" : "ProbeCompleted", Encoding.UTF8.GetBytes($"{{\"id\":\"{id}\"}}"), CancellationToken.None);
        }

        await using var transport = new RabbitMqResultTransport(options, NullLogger<RabbitMqResultTransport>.Instance);
        using var relay = new OutboxRelay(outbox, transport, options, TimeProvider.System, NullLogger<OutboxRelay>.Instance);
        await relay.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(async () => (await outbox.StatusAsync(CancellationToken.None)) is { Depth: 0, DeadLetters: 2 }, TimeSpan.FromSeconds(60));
        }
        finally
        {
            await relay.StopAsync(CancellationToken.None);
        }

        var dead = await outbox.DeadLettersAsync(10, CancellationToken.None);
        Assert.Equal(["moved", "lost"], dead.Select(d => d.Message.MessageId));
        Assert.Contains("403", dead[0].Reason, StringComparison.Ordinal);
        Assert.Contains("312", dead[1].Reason, StringComparison.Ordinal);
        var delivered = (await broker.DrainAsync()).Select(m => Encoding.UTF8.GetString(m.Body)).Distinct().ToList();
        Assert.Equal(["{\"id\":\"m0\"}", "{\"id\":\"m2\"}", "{\"id\":\"m4\"}"], delivered.Order());
        Assert.NotNull((await outbox.StatusAsync(CancellationToken.None)).LastPublishedAt);
    }
}
