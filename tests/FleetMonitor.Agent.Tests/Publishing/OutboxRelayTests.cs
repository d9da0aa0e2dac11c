using FleetMonitor.Agent.Outbox;
using FleetMonitor.Agent.Publishing;
using FleetMonitor.Agent.Tests.Support;
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

    [Fact]
    public async Task A_message_refused_every_time_is_dead_lettered_and_the_rest_go_on()
    {
        using var temp = new TempOutbox();
        for (var i = 0; i < 5; i++)
        {
            await temp.Outbox.EnqueueAsync("result.s.tcp", $"m{i}", "ProbeCompleted", new byte[] { 1 }, CancellationToken.None);
        }

        var transport = new RefusingTransport("m2");
        var options = Options.Create(new AgentOptions { AgentId = "a", SiteId = "s", OutboxPath = temp.Path, Broker = { MaxRefusals = 3 } });
        var relay = new OutboxRelay(temp.Outbox, transport, options, TimeProvider.System, NullLogger<OutboxRelay>.Instance);

        // The batch is refused; one at a time, m0 and m1 go, m2 is refused (1st and 2nd time: the relay backs off).
        await Assert.ThrowsAsync<PublishRefusedException>(() => relay.RelayOnceAsync(CancellationToken.None));
        await Assert.ThrowsAsync<PublishRefusedException>(() => relay.RelayOnceAsync(CancellationToken.None));
        Assert.Equal(["m0", "m1"], transport.Confirmed);
        Assert.Equal(3, await temp.Outbox.CountAsync(CancellationToken.None));

        // The 3rd refusal moves it aside; m3 and m4 follow at once.
        Assert.Equal(3, await relay.RelayOnceAsync(CancellationToken.None));
        Assert.Equal(["m0", "m1", "m3", "m4"], transport.Confirmed);
        var dead = Assert.Single(await temp.Outbox.DeadLettersAsync(10, CancellationToken.None));
        Assert.Equal(("m2", "no queue takes m2"), (dead.Message.MessageId, dead.Reason));
        Assert.Equal(0, await temp.Outbox.CountAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData(500, 1000, 100, 400)] // half a second's worth sent in 0.1 s: wait the other 0.4 s
    [InlineData(500, 1000, 700, null)] // the round itself took longer than its share
    [InlineData(1, 1000, 0, 1)]
    [InlineData(500, 0, 0, null)] // no limit
    [InlineData(0, 1000, 0, null)] // nothing sent
    public void A_round_is_paced_to_the_configured_rate(int sent, int maxPerSecond, int elapsedMs, int? expectedPauseMs)
    {
        var pause = OutboxRelay.PaceFor(sent, maxPerSecond, TimeSpan.FromMilliseconds(elapsedMs));
        Assert.Equal(expectedPauseMs, pause is { } p ? (int)Math.Round(p.TotalMilliseconds) : null);
    }

    /// <summary>A broker that refuses one message whenever it is in what is published, as a 403 or a return would.</summary>
    private sealed class RefusingTransport(string refused) : IResultTransport
    {
        public List<string> Confirmed { get; } = [];

        public Task PublishAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
        {
            if (messages.Any(m => m.MessageId == refused))
            {
                throw new PublishRefusedException($"no queue takes {refused}");
            }

            Confirmed.AddRange(messages.Select(m => m.MessageId));
            return Task.CompletedTask;
        }
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
