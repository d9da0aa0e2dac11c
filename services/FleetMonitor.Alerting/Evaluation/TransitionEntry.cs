namespace FleetMonitor.Alerting.Evaluation;

/// <summary>An outcome change of one agent/probe, keyed by the result that made it (so both sources count it once).</summary>
internal sealed record TransitionEntry(Guid R, DateTimeOffset T);
