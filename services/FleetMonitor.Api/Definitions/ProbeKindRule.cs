namespace FleetMonitor.Api.Definitions;

/// <summary>What one probe kind accepts: its target, its parameters (name → check of the value) and the least timeout it needs.</summary>
/// <param name="Kind">The kind name.</param>
/// <param name="TargetError">The error of a target, or null when it is valid.</param>
/// <param name="Parameters">Each known parameter with its value check (the error, or null).</param>
/// <param name="MinTimeoutSeconds">The least timeout that lets the probe finish with these parameters.</param>
/// <param name="TimeoutReason">Why that is the least, for the error message.</param>
internal sealed record ProbeKindRule(
    string Kind,
    Func<string, string?> TargetError,
    IReadOnlyDictionary<string, Func<string, string?>> Parameters,
    Func<IReadOnlyDictionary<string, string>, int> MinTimeoutSeconds,
    string TimeoutReason);
