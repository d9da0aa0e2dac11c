using FleetMonitor.Contracts;

namespace FleetMonitor.Probes.Nat;

/// <summary>One finding of the NAT verdict: its code, how bad it is, and a sentence when it is not informational.</summary>
internal sealed record NatFinding(string Code, ProbeOutcome Severity, string? Message);
