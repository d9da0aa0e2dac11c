using FleetMonitor.Agent.Scheduling;
using FleetMonitor.Contracts;
using FleetMonitor.Probes;

namespace FleetMonitor.Agent.Tests.Scheduling;

/// <summary>The executor's timeout (the kind's default when the definition sets none) and its duration, which never exceeds the timeout.</summary>
public sealed class ProbeExecutorTests
{
    [Theory]
    [InlineData("nat", null, 130)]
    [InlineData("exposure", null, 30)]
    [InlineData("upnp", null, 60)]
    [InlineData("tcp", null, 10)]
    [InlineData("nat", 12, 12)]
    public async Task An_unset_timeout_is_the_kinds_default_and_a_set_one_is_kept(string kind, int? seconds, int expected)
    {
        var probe = new RecordingProbe(kind);
        var executor = new ProbeExecutor(new ProbeCatalog([probe]), TimeProvider.System);

        await executor.RunAsync("a", "s", new ProbeDefinitionOptions { Id = "p", Kind = kind, Target = "x:1", TimeoutSeconds = seconds }, CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(expected), probe.Timeout);
        Assert.Equal(ProbeKindSpecs.All[kind].DefaultTimeout, ProbeExecutor.TimeoutOf(new ProbeDefinitionOptions { Kind = kind }));
    }

    [Fact]
    public void The_duration_is_the_elapsed_time_up_to_the_timeout()
    {
        Assert.Equal(1234.5, ProbeExecutor.DurationMs(TimeSpan.FromMilliseconds(1234.5), TimeSpan.FromSeconds(5)));
        Assert.Equal(5000, ProbeExecutor.DurationMs(TimeSpan.FromSeconds(31), TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_probe_that_returns_after_its_deadline_reports_the_timeout_as_its_duration()
    {
        var probe = new RecordingProbe("tcp") { Delay = TimeSpan.FromSeconds(1.5) };
        var executor = new ProbeExecutor(new ProbeCatalog([probe]), TimeProvider.System);

        var result = await executor.RunAsync("a", "s", new ProbeDefinitionOptions { Id = "p", Kind = "tcp", Target = "x:1", TimeoutSeconds = 1 }, CancellationToken.None);

        Assert.Equal(1000, result.DurationMs);
        Assert.Equal(ProbeOutcome.Ok, result.Outcome);
    }

    private sealed class RecordingProbe(string kind) : IProbe
    {
        public string Kind => kind;

        public TimeSpan Delay { get; init; }

        public TimeSpan Timeout { get; private set; }

        public async Task<ProbeObservation> RunAsync(ProbeRequest request, CancellationToken cancellationToken)
        {
            Timeout = request.Timeout;
            if (Delay > TimeSpan.Zero)
                await Task.Delay(Delay, cancellationToken);
            return new ProbeObservation { Outcome = ProbeOutcome.Ok };
        }
    }
}
