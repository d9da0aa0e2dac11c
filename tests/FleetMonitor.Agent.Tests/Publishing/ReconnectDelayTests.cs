using FleetMonitor.Agent.Publishing;

namespace FleetMonitor.Agent.Tests.Publishing;

public sealed class ReconnectDelayTests
{
    [Fact]
    public void A_fleet_cut_off_together_does_not_come_back_together()
    {
        var min = TimeSpan.FromSeconds(1);
        var max = TimeSpan.FromMinutes(2);
        var random = new Random(42);

        // 10,000 agents, each on its 6th attempt (ceiling 64 s): their waits spread over the whole window.
        var waits = Enumerable.Range(0, 10_000).Select(_ => ReconnectDelay.Next(5, min, max, random)).ToList();

        Assert.All(waits, w => Assert.InRange(w, min, TimeSpan.FromSeconds(32)));
        var perSecond = waits.GroupBy(w => (int)w.TotalSeconds).Select(g => g.Count()).ToList();
        Assert.True(perSecond.Count >= 30, $"waits fall in only {perSecond.Count} distinct seconds");
        Assert.True(perSecond.Max() < 10_000 / 10, $"{perSecond.Max()} agents would reconnect in the same second");
    }

    [Fact]
    public void The_ceiling_doubles_up_to_the_maximum()
    {
        var min = TimeSpan.FromSeconds(1);
        var max = TimeSpan.FromSeconds(30);
        var random = new Random(7);

        Assert.Equal(min, ReconnectDelay.Next(0, min, max, random));
        Assert.All(Enumerable.Range(0, 1000).Select(_ => ReconnectDelay.Next(2, min, max, random)), w => Assert.InRange(w, min, TimeSpan.FromSeconds(4)));
        Assert.All(Enumerable.Range(0, 1000).Select(_ => ReconnectDelay.Next(40, min, max, random)), w => Assert.InRange(w, min, max));
        Assert.Contains(Enumerable.Range(0, 1000).Select(_ => ReconnectDelay.Next(40, min, max, random)), w => w > TimeSpan.FromSeconds(25));
    }
}
