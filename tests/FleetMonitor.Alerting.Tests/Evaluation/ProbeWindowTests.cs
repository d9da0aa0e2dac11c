using FleetMonitor.Alerting.Evaluation;
using FleetMonitor.Alerting.Policies;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;

namespace FleetMonitor.Alerting.Tests.Evaluation;

public sealed class ProbeWindowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly AlertPolicy _policy = DefaultPolicy.Create();
    private readonly HashSet<string> _open = [];
    private ProbeWindow _window = ProbeWindow.Load(new AlertWindowRow
    {
        AgentId = "a", ProbeId = "p", SiteId = "s", Kind = "tcp", Target = "t", Entries = "[]", EverPassed = "[]", Transitions = "[]",
    });

    [Fact]
    public void Three_failures_of_five_open_one_regression_and_two_passes_resolve_it()
    {
        Assert.Empty(Add(0, ProbeOutcome.Ok).Open);
        Assert.Empty(Add(1, ProbeOutcome.Failed).Open);
        Assert.Empty(Add(2, ProbeOutcome.Ok).Open);
        Assert.Empty(Add(3, ProbeOutcome.Failed).Open);
        var open = Add(4, ProbeOutcome.Failed).Open;
        Assert.Equal(("tcp-path", false), (Assert.Single(open).Cause, open[0].NeverMet));
        _open.Add("tcp-path");
        Assert.Empty(Add(5, ProbeOutcome.Failed).Open);
        Assert.Empty(Add(6, ProbeOutcome.Ok).Resolve);
        Assert.Equal(["tcp-path"], Add(7, ProbeOutcome.Ok).Resolve);
    }

    [Fact]
    public void A_probe_that_never_passed_raises_never_met()
    {
        Add(0, ProbeOutcome.Failed);
        Add(1, ProbeOutcome.Failed);
        var open = Assert.Single(Add(2, ProbeOutcome.Failed).Open);
        Assert.True(open.NeverMet);
    }

    [Fact]
    public void Duplicates_and_results_older_than_the_window_change_nothing()
    {
        var first = Results(0, ProbeOutcome.Ok);
        Assert.Equal(WindowStatus.Applied, _window.AddResult(first, _policy, _open, T0).Status);
        Assert.Equal(WindowStatus.Duplicate, _window.AddResult(first, _policy, _open, T0).Status);
        for (var i = 1; i <= 5; i++)
        {
            Add(i, ProbeOutcome.Ok);
        }

        Assert.Equal(WindowStatus.Stale, _window.AddResult(Results(-10, ProbeOutcome.Failed), _policy, _open, T0).Status);
    }

    [Fact]
    public void A_flapping_probe_opens_one_flapping_alert_and_no_regression()
    {
        var opened = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            foreach (var (cause, _, _) in Add(i, i % 2 == 0 ? ProbeOutcome.Ok : ProbeOutcome.Failed).Open)
            {
                opened.Add(cause);
                _open.Add(cause);
            }
        }

        Assert.Equal([AlertCauses.Flapping], opened);
    }

    [Fact]
    public void State_changes_count_as_transitions_once_late_ones_still_count_and_stale_ones_are_dropped()
    {
        var change = Change(1, ProbeOutcome.Ok, ProbeOutcome.Failed);
        Assert.Equal(WindowStatus.Applied, _window.AddChange(change, _policy, _open, T0).Status);
        Assert.Equal(WindowStatus.Duplicate, _window.AddChange(change, _policy, _open, T0).Status);
        Assert.Equal(WindowStatus.Stale, _window.AddChange(Change(-3600, ProbeOutcome.Ok, ProbeOutcome.Failed), _policy, _open, T0).Status);
        Assert.Equal(WindowStatus.Applied, _window.AddChange(Change(0, null, ProbeOutcome.Ok), _policy, _open, T0).Status);
        Assert.Single(_window.Transitions);
        Assert.Empty(_window.AddChange(Change(2, ProbeOutcome.Failed, ProbeOutcome.Ok), _policy, _open, T0).Open);
        Assert.Empty(_window.AddChange(Change(3, ProbeOutcome.Ok, ProbeOutcome.Failed), _policy, _open, T0).Open);
        Assert.Equal(AlertCauses.Flapping, Assert.Single(_window.AddChange(Change(4, ProbeOutcome.Failed, ProbeOutcome.Ok), _policy, _open, T0).Open).Cause);
    }

    [Fact]
    public void Results_evaluated_out_of_order_count_only_the_real_transitions_and_give_one_regression_and_its_resolve()
    {
        // Results are consumed concurrently, so neighbours can be evaluated in either order. Here runs 3 before 2 and
        // 8 before 7: the probe changed outcome twice (ok → failed, failed → ok), which is no flapping.
        var opened = new List<string>();
        var resolved = new List<string>();
        foreach (var (second, outcome) in new[]
        {
            (0, ProbeOutcome.Ok), (1, ProbeOutcome.Ok), (3, ProbeOutcome.Failed), (2, ProbeOutcome.Failed), (4, ProbeOutcome.Failed),
            (5, ProbeOutcome.Failed), (6, ProbeOutcome.Failed), (8, ProbeOutcome.Ok), (7, ProbeOutcome.Ok),
        })
        {
            var decision = Add(second, outcome);
            foreach (var cause in decision.Resolve)
            {
                resolved.Add(cause);
                _open.Remove(cause);
            }

            foreach (var (cause, _, _) in decision.Open)
            {
                opened.Add(cause);
                _open.Add(cause);
            }
        }

        Assert.Equal(["tcp-path"], opened);
        Assert.Equal(["tcp-path"], resolved);
        Assert.Equal(2, _window.Transitions.Count);
    }

    [Fact]
    public void A_state_change_the_stored_results_contradict_is_no_transition()
    {
        Add(0, ProbeOutcome.Ok);
        Add(2, ProbeOutcome.Failed);
        var late = Results(1, ProbeOutcome.Failed);
        _window.AddResult(late, _policy, _open, T0.AddSeconds(2));
        Assert.Single(_window.Transitions);

        // Ingestion stored run 2 before run 1 and reported it as the change; the window knows run 1 came first.
        var change = Change(2, ProbeOutcome.Ok, ProbeOutcome.Failed) with { ResultId = _window.Entries[^1].R };
        Assert.Equal(WindowStatus.Applied, _window.AddChange(change, _policy, _open, T0.AddSeconds(3)).Status);
        Assert.Equal(late.ResultId, Assert.Single(_window.Transitions).R);
    }

    [Fact]
    public void The_window_survives_a_save_and_load()
    {
        Add(0, ProbeOutcome.Ok);
        Add(1, ProbeOutcome.Failed);
        Add(2, ProbeOutcome.Failed);
        var row = new AlertWindowRow { AgentId = "a", ProbeId = "p", SiteId = "s", Kind = "tcp", Target = "t", Entries = "[]", EverPassed = "[]", Transitions = "[]" };
        _window = ProbeWindow.Load(_window.Save(row, "s", "tcp", "t"));
        Assert.Equal("tcp-path", Assert.Single(Add(3, ProbeOutcome.Failed).Open).Cause);
    }

    private WindowDecision Add(int second, ProbeOutcome outcome) => _window.AddResult(Results(second, outcome), _policy, _open, T0.AddSeconds(second));

    private static Observation Results(int second, ProbeOutcome outcome) => new()
    {
        AgentId = "a", SiteId = "s", ProbeId = "p", Kind = "tcp", Target = "t",
        ResultId = Guid.CreateVersion7(T0.AddSeconds(second)),
        StartedAt = T0.AddSeconds(second),
        Outcome = outcome,
        Findings = outcome == ProbeOutcome.Failed ? ["tcp.refused"] : [],
    };

    private static ProbeStateChanged Change(int second, ProbeOutcome? previous, ProbeOutcome outcome) => new()
    {
        AgentId = "a", SiteId = "s", ProbeId = "p", Kind = "tcp", Target = "t",
        ResultId = Guid.CreateVersion7(T0.AddSeconds(second)),
        PreviousOutcome = previous,
        Outcome = outcome,
        StartedAt = T0.AddSeconds(second),
        ChangedAt = T0.AddSeconds(second),
    };
}
