namespace FleetMonitor.Api.Fleet;

/// <summary>
/// The fleet by NAT type (the nat probe's verdict), public network (the /24 of an IPv4 or /48 of an IPv6 public
/// address, as seen by the nat, exposure or upnp probe) and router (the UPnP gateway's name), each value with its
/// agents by class, most agents first; "unknown" where no probe said.
/// </summary>
public sealed record FleetBreakdown(
    DateTimeOffset GeneratedAt,
    IReadOnlyList<BreakdownRow> NatTypes,
    IReadOnlyList<BreakdownRow> Networks,
    IReadOnlyList<BreakdownRow> Routers);
