namespace FleetMonitor.Api.Fleet;

/// <summary>One value of a breakdown (a NAT type, a public network, a router) and its agents by class.</summary>
public sealed record BreakdownRow(string Value, int Agents, int Broken, int Exposed, int Offline, int Degraded, int Ok);
