using FleetMonitor.Probes.Nat;

namespace FleetMonitor.Probes.Tests.Nat;

public sealed class RetransmissionScheduleTests
{
    [Fact]
    public void Defaults_are_rfc_8489s_example()
    {
        var schedule = RetransmissionSchedule.Default;

        // RFC 8489 §6.2.1: "requests would be sent at times 0 ms, 500 ms, 1500 ms, 3500 ms, 7500 ms, 15500 ms, and
        // 31500 ms. If the client has not received a response after 39500 ms, the client will consider the
        // transaction to have timed out."
        Assert.Equal(
            [0, 500, 1500, 3500, 7500, 15500, 31500],
            Enumerable.Range(0, schedule.Transmissions).Select(i => schedule.SendOffset(i).TotalMilliseconds));
        Assert.Equal(39500, schedule.GiveUpAfter.TotalMilliseconds);
    }

    [Fact]
    public void The_last_wait_is_rm_times_the_initial_rto()
    {
        var schedule = new RetransmissionSchedule(TimeSpan.FromMilliseconds(200), 3, 4);

        Assert.Equal([200, 400, 800], Enumerable.Range(0, 3).Select(i => schedule.WaitAfter(i).TotalMilliseconds));
        Assert.Equal(200 + 400 + 800, schedule.GiveUpAfter.TotalMilliseconds);
    }

    [Fact]
    public void Silence_is_conclusive_after_three_transmissions_or_a_whole_shorter_schedule()
    {
        Assert.False(RetransmissionSchedule.IsConclusive(2, ranToEnd: false));
        Assert.True(RetransmissionSchedule.IsConclusive(3, ranToEnd: false));
        Assert.True(RetransmissionSchedule.IsConclusive(1, ranToEnd: true));
        Assert.Equal(1500, RetransmissionSchedule.Default.ConclusiveAfter.TotalMilliseconds);
        Assert.Equal(2000, new RetransmissionSchedule(TimeSpan.FromMilliseconds(500), 2, 3).ConclusiveAfter.TotalMilliseconds);
    }
}
