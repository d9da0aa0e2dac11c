namespace FleetMonitor.Alerting.Evaluation;

/// <summary>What one evaluation decided: alerts to open (cause, never met before, reason) and causes to resolve.</summary>
internal sealed class WindowDecision
{
    public required WindowStatus Status { get; init; }

    public List<(string Cause, bool NeverMet, string Reason)> Open { get; } = [];

    public List<string> Resolve { get; } = [];
}
