namespace FleetMonitor.Reflector.Tests.Nat;

/// <summary>What the router namespace of a <see cref="NatTopology"/> does between its LAN and its WAN.</summary>
public enum RouterNat
{
    /// <summary>Plain routing: the client's address reaches the internet untranslated (the internet routes 10.0.0.0/24 back).</summary>
    None,

    /// <summary><c>-t nat -A POSTROUTING -o wan0 -j MASQUERADE</c>: with one client, EIM and APDF (port-restricted cone).</summary>
    Masquerade,

    /// <summary>The same with <c>--random-fully</c>: a random port per connection, APDM (symmetric) and APDF.</summary>
    MasqueradeRandomFully,

    /// <summary>
    /// MASQUERADE plus <c>PREROUTING -i wan0 -p udp -j DNAT --to-destination</c> the client (a DMZ): EIM and EIF (full
    /// cone), plus hairpin NAT (traffic from the LAN to the router's public address is sent back in, its source
    /// masqueraded as the router's LAN address).
    /// </summary>
    FullConeDnat,

    /// <summary>
    /// MASQUERADE, with inbound UDP to the WAN address sent on to the client, behind a filter that admits a source
    /// address once any LAN socket has sent to it (the <c>recent</c> match on every address the LAN sends to): EIM and
    /// address-dependent filtering kept per host, not per socket, as some home routers do.
    /// </summary>
    HostWideAddressFilter,

    /// <summary>
    /// Double NAT: the home router MASQUERADEs onto a 100.64.0.0/10 (RFC 6598) link to a carrier's router, which
    /// MASQUERADEs again onto the internet (<see cref="NatTopology.Carrier"/>, <see cref="NatTopology.CarrierLanAddress"/>).
    /// The server sees only the carrier's public address.
    /// </summary>
    CarrierGradeDoubleNat,
}
