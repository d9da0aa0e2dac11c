namespace FleetMonitor.Probes.Nat;

/// <summary>A NAT's mapping behaviour (RFC 4787 §4.1), as the RFC 5780 §4.3 tests found it.</summary>
public enum NatMapping
{
    /// <summary>The tests could not tell (no answer from the server's alternate address, or the server lacks RFC 5780).</summary>
    Unknown,

    /// <summary>The mapped address is the local one: nothing translates (RFC 5780 calls the effective mapping endpoint-independent).</summary>
    None,

    /// <summary>EIM: one mapping per internal endpoint, whatever the destination.</summary>
    EndpointIndependent,

    /// <summary>ADM: a new mapping per destination address.</summary>
    AddressDependent,

    /// <summary>APDM: a new mapping per destination address and port (with ADM, a "symmetric" NAT).</summary>
    AddressAndPortDependent,
}
