using FleetMonitor.Agent.Outbox;
using FleetMonitor.Agent.Publishing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Agent.Tests.Publishing;

public sealed class OutboxRelayTests
{
    [Fact]
    public async Task Nothing_is_deleted_until_the_transport_confirmed_it()
    {
        using var temp = new TempOutbox();
        for (var i = 0; i < 3; i++)
        {
            await temp.Outbox.EnqueueAsync("result.s.tcp", $"m{i}", "ProbeCompleted", new byte[] { 1 }, CancellationToken.None);
        }

        var transport = new FlakyTransport { FailuresLeft = 1 };
        var options = Options.Create(new AgentOptions { AgentId = "a", SiteId = "s", OutboxPath = temp.Path });
        var relay = new OutboxRelay(temp.Outbox, transport, options, TimeProvider.System, NullLogger<OutboxRelay>.Instance);

        await Assert.ThrowsAsync<IOException>(() => relay.RelayOnceAsync(CancellationToken.None));
        Assert.Equal(3, await temp.Outbox.CountAsync(CancellationToken.None));

        Assert.Equal(3, await relay.RelayOnceAsync(CancellationToken.None));
        Assert.Equal(0, await temp.Outbox.CountAsync(CancellationToken.None));
        Assert.Equal(["m0", "m1", "m2"], transport.Confirmed);
    }

    /// <summary>A transport that refuses the first attempts, as a broker that is down would.</summary>
    private sealed class FlakyTransport : IResultTransport
    {
        public int FailuresLeft { get; set; }

        public List<string> Confirmed { get; } = [];

        public Task PublishAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
        {
            if (FailuresLeft-- > 0)
            {
                throw new IOException("broker unreachable");
            }

            Confirmed.AddRange(messages.Select(m => m.MessageId));
            return Task.CompletedTask;
        }
    }
}
