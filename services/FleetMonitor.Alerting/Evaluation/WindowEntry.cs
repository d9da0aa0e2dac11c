namespace FleetMonitor.Alerting.Evaluation;

/// <summary>One result in an agent/probe's window: its id, start, outcome, and the rules it failed and passed.</summary>
internal sealed record WindowEntry(Guid R, DateTimeOffset T, string O, string[] F, string[] P);
