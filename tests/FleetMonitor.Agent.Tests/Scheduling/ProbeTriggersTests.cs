using FleetMonitor.Agent.Scheduling;

namespace FleetMonitor.Agent.Tests.Scheduling;

public sealed class ProbeTriggersTests
{
    [Fact]
    public void Splay_is_stable_per_agent_and_probe_and_inside_the_window()
    {
        var window = TimeSpan.FromSeconds(15);
        var splays = Enumerable.Range(0, 200).Select(i => ProbeTriggers.Splay($"agent-{i}", "pbx", TimeSpan.FromMinutes(1), window)).ToList();

        Assert.All(splays, s => Assert.InRange(s, TimeSpan.Zero, window));
        Assert.Equal(splays[7], ProbeTriggers.Splay("agent-7", "pbx", TimeSpan.FromMinutes(1), window));
        Assert.True(splays.Distinct().Count() > 150, "agents should be spread, not bunched");
        Assert.InRange(ProbeTriggers.Splay("agent-1", "pbx", TimeSpan.FromSeconds(2), window), TimeSpan.Zero, TimeSpan.FromSeconds(2));
    }
}
