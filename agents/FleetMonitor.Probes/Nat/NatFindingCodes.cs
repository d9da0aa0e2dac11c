namespace FleetMonitor.Probes.Nat;

/// <summary>The finding codes of the <c>nat</c> probe, so that agents, services and tests spell them alike.</summary>
public static class NatFindingCodes
{
    /// <summary>The mapped address is the local address: no NAT between the agent and the Reflector (informational).</summary>
    public const string None = "nat.none";

    /// <summary>Endpoint-independent mapping (informational).</summary>
    public const string MappingEndpointIndependent = "nat.mapping.endpoint_independent";

    /// <summary>Address-dependent mapping (informational; <see cref="Symmetric"/> comes with it).</summary>
    public const string MappingAddressDependent = "nat.mapping.address_dependent";

    /// <summary>Address-and-port-dependent mapping (informational; <see cref="Symmetric"/> comes with it).</summary>
    public const string MappingAddressAndPortDependent = "nat.mapping.address_and_port_dependent";

    /// <summary>Endpoint-independent filtering (informational; <see cref="ExposureFilteringOpen"/> comes with it).</summary>
    public const string FilteringEndpointIndependent = "nat.filtering.endpoint_independent";

    /// <summary>Address-dependent filtering (informational).</summary>
    public const string FilteringAddressDependent = "nat.filtering.address_dependent";

    /// <summary>Address-and-port-dependent filtering (informational).</summary>
    public const string FilteringAddressAndPortDependent = "nat.filtering.address_and_port_dependent";

    /// <summary>
    /// Endpoint-independent filtering: anyone on the internet can send to a port the phone or PC has used, which is an
    /// exposure and not only a NAT fact (outcome Degraded).
    /// </summary>
    public const string ExposureFilteringOpen = "exposure.nat_filtering_open";

    /// <summary>
    /// Address- or address-and-port-dependent mapping ("symmetric" NAT): the port the PBX learns for RTP is not the one
    /// a peer can use, so media needs a relay or the far end's latching (outcome Degraded).
    /// </summary>
    public const string Symmetric = "nat.symmetric";

    /// <summary>An idle UDP binding died before <c>keepalive_s</c>: registrations and incoming calls break between keep-alives (outcome Degraded).</summary>
    public const string BindingShort = "nat.binding_short";

    /// <summary>
    /// The probe's timeout left the binding lifetime search less than <c>max_lifetime_s</c> and the binding outlived
    /// what it could try, below <c>keepalive_s</c>: whether it outlives the keep-alive is not known (informational; give
    /// the probe a longer timeout).
    /// </summary>
    public const string BindingLifetimeUnmeasured = "nat.binding_lifetime_unmeasured";

    /// <summary>The NAT does not loop back traffic sent to its own public address (informational: matters for two phones behind one NAT).</summary>
    public const string HairpinUnsupported = "nat.hairpin_unsupported";

    /// <summary>MAPPED-ADDRESS differs from XOR-MAPPED-ADDRESS: something on the path rewrites addresses inside payloads (outcome Degraded).</summary>
    public const string AlgSuspected = "nat.alg_suspected";

    /// <summary>
    /// The mapped address is in 100.64.0.0/10 (carrier-grade NAT) or private space: another NAT lies between this one and
    /// the internet (informational).
    /// </summary>
    public const string CgnatSuspected = "nat.cgnat_suspected";

    /// <summary>No answer to the first Binding request after every retransmission: UDP to the Reflector is blocked or it is down (outcome Failed).</summary>
    public const string NoResponse = "nat.no_response";

    /// <summary>The server does not do RFC 5780 (no OTHER-ADDRESS, an answer from the wrong address, an error) (outcome Error).</summary>
    public const string ServerUnsupported = "nat.server_unsupported";

    /// <summary>The Reflector refused CHANGE-REQUEST or RESPONSE-PORT (401): <c>username</c>/<c>password</c> missing or wrong (outcome Error).</summary>
    public const string Unauthorized = "nat.unauthorized";

    /// <summary>A test the verdict needs got no conclusive answer (the alternate address silent, the deadline too short) (outcome Error).</summary>
    public const string Incomplete = "nat.incomplete";
}
