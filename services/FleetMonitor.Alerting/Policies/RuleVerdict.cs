namespace FleetMonitor.Alerting.Policies;

/// <summary>How one result fared against one rule.</summary>
public enum RuleVerdict
{
    /// <summary>The rule says nothing about this result (another probe, no such measurement, the probe could not run).</summary>
    NotApplicable,

    Pass,

    Fail,
}
