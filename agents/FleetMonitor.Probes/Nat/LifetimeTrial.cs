namespace FleetMonitor.Probes.Nat;

/// <summary>One binding lifetime trial: after <see cref="Wait"/> idle, was the binding still there (null: no conclusive answer)?</summary>
internal sealed record LifetimeTrial(TimeSpan Wait, bool? Alive);
