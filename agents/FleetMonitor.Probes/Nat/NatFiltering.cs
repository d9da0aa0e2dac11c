namespace FleetMonitor.Probes.Nat;

/// <summary>A NAT's (or firewall's) inbound filtering behaviour (RFC 4787 §5), as the RFC 5780 §4.4 tests found it.</summary>
public enum NatFiltering
{
    /// <summary>The tests could not tell (refused for lack of credentials, or no conclusive answer).</summary>
    Unknown,

    /// <summary>EIF: anything on the internet can send to the mapped address.</summary>
    EndpointIndependent,

    /// <summary>ADF: only addresses the inside has sent to can answer, from any port.</summary>
    AddressDependent,

    /// <summary>APDF: only the exact address and port the inside has sent to can answer.</summary>
    AddressAndPortDependent,
}
