namespace FleetMonitor.Probes.Nat;

/// <summary>The NAT probe's judgement: both RFC 4787 axes, the classic name, whether there is a NAT at all, and the findings.</summary>
internal sealed record NatVerdict(NatMapping Mapping, NatFiltering Filtering, string NatType, string Hairpinning, IReadOnlyList<NatFinding> Findings);
