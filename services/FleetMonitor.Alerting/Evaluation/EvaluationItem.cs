using FleetMonitor.Alerting.Policies;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;

namespace FleetMonitor.Alerting.Evaluation;

/// <summary>One thing to evaluate in an agent/probe's window: a result, or a state change.</summary>
public sealed record EvaluationItem
{
    private EvaluationItem(Observation? result, ProbeStateChanged? change, AlertWindowKey key)
    {
        Result = result;
        Change = change;
        Key = key;
    }

    public Observation? Result { get; }

    public ProbeStateChanged? Change { get; }

    public AlertWindowKey Key { get; }

    /// <summary>The metrics' name of the source: <c>result</c> or <c>state_change</c>.</summary>
    public string Source => Result is null ? "state_change" : "result";

    public static EvaluationItem Of(Observation result) =>
        new(result, null, new AlertWindowKey(result.AgentId, result.ProbeId, result.SiteId, result.Kind, result.Target));

    public static EvaluationItem Of(ProbeStateChanged change) =>
        new(null, change, new AlertWindowKey(change.AgentId, change.ProbeId, change.SiteId, change.Kind, change.Target));
}
