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
    [Fact]
    public async Task Results_of_one_tick_arriving_one_by_one_leave_together_after_the_linger()
    {
        using var temp = new TempOutbox();
        var transport = new FlakyTransport();
        var time = new TimerSignallingTimeProvider();
        // No pacing: its pause would wait on the fake clock too.
        var options = Options.Create(new AgentOptions { AgentId = "a", SiteId = "s", OutboxPath = temp.Path, Broker = { Linger = TimeSpan.FromMilliseconds(500), MaxResultsPerSecond = 0 } });
        using var relay = new OutboxRelay(temp.Outbox, transport, options, time, NullLogger<OutboxRelay>.Instance);
        await relay.StartAsync(CancellationToken.None);
        try
        {
            // The first result of a tick wakes the idle relay, which lingers: its timer is waited for, not slept on.
            // (Should the relay not have reached its idle wait yet, it sends that one at once: try the next.)
            var lingering = false;
            for (var attempt = 0; attempt < 5 && !lingering; attempt++)
            {
                var rounds = transport.Rounds.Count;
                await temp.Outbox.EnqueueAsync("result.s.tcp", $"w{attempt}", "ProbeCompleted", new byte[] { 1 }, CancellationToken.None);
                await Eventually.TrueAsync(() => Task.FromResult(time.LingerStarted.CurrentCount > 0 || transport.Rounds.Count > rounds), TimeSpan.FromSeconds(60), "lingering or sent");
                lingering = time.LingerStarted.CurrentCount > 0;
            }

            Assert.True(lingering, "the relay never lingered");

            // The other seven of the tick come while it lingers, and all eight leave in one round.
            var before = transport.Rounds.Count;
            for (var i = 1; i < 8; i++)
            {
                await temp.Outbox.EnqueueAsync("result.s.tcp", $"m{i}", "ProbeCompleted", new byte[] { 1 }, CancellationToken.None);
            }

            Assert.Equal(before, transport.Rounds.Count);
            time.Advance(TimeSpan.FromMilliseconds(500));
            await Eventually.TrueAsync(() => Task.FromResult(transport.Rounds.Count > before), TimeSpan.FromSeconds(60), "the tick published");
            // The seven that came while it lingered left in one round (with the first, unless that one had gone
            // before the relay reached its idle wait).
            Assert.InRange(transport.Rounds.Last(), 7, 8);
            Assert.Equal(0, await temp.Outbox.CountAsync(CancellationToken.None));
        }
        finally
        {
            await relay.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>A fake clock that tells when the relay's 500 ms linger timer was made.</summary>
    private sealed class TimerSignallingTimeProvider : Microsoft.Extensions.Time.Testing.FakeTimeProvider
    {
        public SemaphoreSlim LingerStarted { get; } = new(0);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            if (dueTime == TimeSpan.FromMilliseconds(500))
            {
                LingerStarted.Release();
            }

            return timer;
        }
    }

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

        /// <summary>How many outbox messages each confirmed round carried.</summary>
        public System.Collections.Concurrent.ConcurrentQueue<int> Rounds { get; } = new();

        public List<string> Confirmed { get; } = [];

        public Task PublishAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
        {
            if (FailuresLeft-- > 0)
            {
                throw new IOException("broker unreachable");
            }

            Confirmed.AddRange(messages.Select(m => m.MessageId));
            Rounds.Enqueue(messages.Count);
            return Task.CompletedTask;
        }
    }
}
