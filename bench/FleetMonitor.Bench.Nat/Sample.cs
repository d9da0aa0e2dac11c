using FleetMonitor.Probes;

namespace FleetMonitor.Bench.Nat;

/// <summary>One probe run: how long it took from start to verdict, and what it reported.</summary>
internal sealed record Sample(double ElapsedMs, ProbeObservation Observation);
