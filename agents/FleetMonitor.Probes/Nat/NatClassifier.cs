using System.Globalization;
using System.Net;
using FleetMonitor.Contracts;

namespace FleetMonitor.Probes.Nat;

/// <summary>
/// Turns <see cref="NatObservations"/> into a <see cref="NatVerdict"/>: RFC 5780 §4.3 (mapping) and §4.4 (filtering)
/// decision trees, the classic name, and the findings. Pure: every rule is unit-tested without a network.
/// </summary>
internal static class NatClassifier
{
    public static class Types
    {
        /// <summary>No NAT and nothing filters: the host is on the open internet.</summary>
        public const string Open = "open";

        /// <summary>No NAT, but a firewall filters unsolicited UDP (RFC 3489's "symmetric UDP firewall").</summary>
        public const string UdpFirewall = "udp_firewall";

        public const string FullCone = "full_cone";
        public const string RestrictedCone = "restricted_cone";
        public const string PortRestrictedCone = "port_restricted_cone";
        public const string Symmetric = "symmetric";
        public const string Unknown = "unknown";
    }

    public static class Hairpin
    {
        public const string Supported = "supported";
        public const string Unsupported = "unsupported";
        public const string NotApplicable = "not_applicable";
        public const string Unknown = "unknown";
    }

    public static NatVerdict Classify(NatObservations o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var findings = new List<NatFinding>();
        if (o.Mapped1 is not { } x1)
        {
            findings.Add(o.Test1 switch
            {
                StunTestResult.NoResponse => new NatFinding(
                    FindingCodes.NatNoResponse, ProbeOutcome.Failed,
                    $"no answer to a Binding request after {o.Test1Transmissions} transmissions: UDP to the Reflector is blocked, or it is down"),
                StunTestResult.ErrorResponse or StunTestResult.Unauthorized => new NatFinding(
                    FindingCodes.NatServerUnsupported, ProbeOutcome.Error, $"the server answered a plain Binding request with an error: {o.Test1Error}"),
                _ => new NatFinding(FindingCodes.NatIncomplete, ProbeOutcome.Error, "the deadline came before the first Binding request got a conclusive answer"),
            });
            return new NatVerdict(NatMapping.Unknown, NatFiltering.Unknown, Types.Unknown, Hairpin.Unknown, findings);
        }

        var noNat = Same(x1, o.Local);
        if (o.OtherAddress is null)
        {
            findings.Add(new NatFinding(
                FindingCodes.NatServerUnsupported, ProbeOutcome.Error,
                "the server sent no OTHER-ADDRESS: it has no second address, so mapping and filtering cannot be tested (RFC 5780 §4.3)"));
        }

        var mapping = Mapping(o, noNat, findings);
        var filtering = Filtering(o, findings);
        var type = TypeOf(mapping, filtering);

        if (noNat)
            findings.Add(new NatFinding(FindingCodes.NatNone, ProbeOutcome.Ok, null));
        switch (mapping)
        {
            case NatMapping.EndpointIndependent:
                findings.Add(new NatFinding(FindingCodes.NatMappingEndpointIndependent, ProbeOutcome.Ok, null));
                break;
            case NatMapping.AddressDependent or NatMapping.AddressAndPortDependent:
                findings.Add(new NatFinding(
                    mapping == NatMapping.AddressDependent ? FindingCodes.NatMappingAddressDependent : FindingCodes.NatMappingAddressAndPortDependent,
                    ProbeOutcome.Ok, null));
                findings.Add(new NatFinding(
                    FindingCodes.NatSymmetric, ProbeOutcome.Degraded,
                    $"symmetric NAT ({Name(mapping)} mapping): each destination sees another public port, so peers cannot reach the port the PBX learnt"));
                break;
        }

        switch (filtering)
        {
            case NatFiltering.EndpointIndependent:
                findings.Add(new NatFinding(FindingCodes.NatFilteringEndpointIndependent, ProbeOutcome.Ok, null));
                findings.Add(new NatFinding(
                    FindingCodes.ExposureNatFilteringOpen, ProbeOutcome.Degraded,
                    $"endpoint-independent filtering: anyone on the internet can send to {x1} and to every other port in use behind it"));
                break;
            case NatFiltering.AddressDependent:
                findings.Add(new NatFinding(FindingCodes.NatFilteringAddressDependent, ProbeOutcome.Ok, null));
                break;
            case NatFiltering.AddressAndPortDependent:
                findings.Add(new NatFinding(FindingCodes.NatFilteringAddressAndPortDependent, ProbeOutcome.Ok, null));
                break;
        }

        if (!noNat && AddressScope.Of(x1.Address) is var scope && scope != AddressScope.Public)
        {
            findings.Add(new NatFinding(
                FindingCodes.NatCgnatSuspected, ProbeOutcome.Ok,
                scope == AddressScope.Shared
                    ? $"the mapped address {x1.Address} is in 100.64.0.0/10: carrier-grade NAT"
                    : $"the mapped address {x1.Address} is private: a second NAT lies beyond this one"));
        }
        else if (!noNat && SharedHop(o.PathHops) is ({ } hopAddress, var hop))
        {
            findings.Add(new NatFinding(
                FindingCodes.NatCgnatSuspected, ProbeOutcome.Ok,
                $"hop {hop} on the way to the server, {hopAddress}, is in 100.64.0.0/10: a carrier-grade NAT lies between this network's NAT and the internet"));
        }

        if (o.AlgMappedAddress is { } rewritten)
        {
            findings.Add(new NatFinding(
                FindingCodes.NatAlgSuspected, ProbeOutcome.Degraded,
                $"MAPPED-ADDRESS {rewritten} differs from XOR-MAPPED-ADDRESS {x1}: something on the path rewrites addresses in payloads (an ALG)"));
        }

        var hairpin = noNat ? Hairpin.NotApplicable : o.Hairpin switch
        {
            StunTestResult.Received => Hairpin.Supported,
            StunTestResult.NoResponse => Hairpin.Unsupported,
            _ => Hairpin.Unknown,
        };
        if (hairpin == Hairpin.Unsupported)
            findings.Add(new NatFinding(FindingCodes.NatHairpinUnsupported, ProbeOutcome.Ok, null));

        if (o.LifetimeUnauthorized)
            AddOnce(findings, new NatFinding(FindingCodes.NatUnauthorized, ProbeOutcome.Error, "the Reflector refused RESPONSE-PORT (401): username/password missing or wrong"));
        if (o.Lifetime?.ShorterThan(o.Keepalive) == true)
        {
            findings.Add(new NatFinding(
                FindingCodes.NatBindingShort, ProbeOutcome.Degraded,
                Invariant($"an idle UDP binding died within {o.Lifetime.Below!.Value.TotalSeconds:0.#} s (it lived {o.Lifetime.AtLeast.TotalSeconds:0.#} s), below the keep-alive of {o.Keepalive.TotalSeconds:0.#} s")));
        }

        if (o.Lifetime?.ShorterThan(o.Keepalive) is null && o.LifetimeShortened is { } window && !o.LifetimeUnauthorized)
        {
            findings.Add(new NatFinding(
                FindingCodes.NatBindingLifetimeUnmeasured, ProbeOutcome.Ok,
                Invariant($"the timeout left the binding lifetime search {window.TotalSeconds:0.#} s of max_lifetime_s {o.MaxLifetime.TotalSeconds:0.#}, so a binding shorter than the keep-alive of {o.Keepalive.TotalSeconds:0.#} s could go unseen; give the probe a longer timeout")));
        }

        return new NatVerdict(mapping, filtering, type, hairpin, findings);
    }

    /// <summary>The fact value of a mapping behaviour.</summary>
    /// <remarks>No NAT reads <c>none</c>, not RFC 5780's effective <c>endpoint_independent</c>, so that the fact alone never suggests a NAT.</remarks>
    public static string Name(NatMapping mapping) => mapping switch
    {
        NatMapping.None => "none",
        NatMapping.EndpointIndependent => "endpoint_independent",
        NatMapping.AddressDependent => "address_dependent",
        NatMapping.AddressAndPortDependent => "address_and_port_dependent",
        _ => "unknown",
    };

    /// <summary>The fact value of a filtering behaviour.</summary>
    public static string Name(NatFiltering filtering) => filtering switch
    {
        NatFiltering.EndpointIndependent => "endpoint_independent",
        NatFiltering.AddressDependent => "address_dependent",
        NatFiltering.AddressAndPortDependent => "address_and_port_dependent",
        _ => "unknown",
    };

    public static string TypeOf(NatMapping mapping, NatFiltering filtering) => (mapping, filtering) switch
    {
        (NatMapping.None, NatFiltering.EndpointIndependent) => Types.Open,
        (NatMapping.None, NatFiltering.AddressDependent or NatFiltering.AddressAndPortDependent) => Types.UdpFirewall,
        (NatMapping.EndpointIndependent, NatFiltering.EndpointIndependent) => Types.FullCone,
        (NatMapping.EndpointIndependent, NatFiltering.AddressDependent) => Types.RestrictedCone,
        (NatMapping.EndpointIndependent, NatFiltering.AddressAndPortDependent) => Types.PortRestrictedCone,
        (NatMapping.AddressDependent or NatMapping.AddressAndPortDependent, _) => Types.Symmetric,
        _ => Types.Unknown,
    };

    /// <summary>Endpoints equal as the wire carries them (an IPv4-mapped IPv6 address is its IPv4 address).</summary>
    public static bool Same(IPEndPoint? a, IPEndPoint? b) =>
        a is not null && b is not null && a.Port == b.Port && Plain(a.Address).Equals(Plain(b.Address));

    private static NatMapping Mapping(NatObservations o, bool noNat, List<NatFinding> findings)
    {
        if (noNat)
            return NatMapping.None;
        if (o.OtherAddress is null)
            return NatMapping.Unknown;
        if (o.Mapping2 != StunTestResult.Received)
        {
            Incomplete(findings, $"mapping test II (alternate address, primary port) {Describe(o.Mapping2)}");
            return NatMapping.Unknown;
        }

        if (Same(o.Mapped2, o.Mapped1))
            return NatMapping.EndpointIndependent;
        if (o.Mapping3 != StunTestResult.Received)
        {
            Incomplete(findings, $"mapping test III (alternate address and port) {Describe(o.Mapping3)}");
            return NatMapping.Unknown;
        }

        return Same(o.Mapped3, o.Mapped2) ? NatMapping.AddressDependent : NatMapping.AddressAndPortDependent;
    }

    private static NatFiltering Filtering(NatObservations o, List<NatFinding> findings)
    {
        if (o.OtherAddress is null)
            return NatFiltering.Unknown;
        var both = o.FilteringChangeIpAndPort;
        var port = o.FilteringChangePort;

        // RFC 5780 §4.4: test II decides EIF on its own; test III matters only when test II got nothing.
        if (both == StunTestResult.Received)
            return NatFiltering.EndpointIndependent;
        if (both == StunTestResult.Unauthorized || port == StunTestResult.Unauthorized)
        {
            AddOnce(findings, new NatFinding(
                FindingCodes.NatUnauthorized, ProbeOutcome.Error,
                "the Reflector refused CHANGE-REQUEST (401): username/password missing or wrong, so filtering is unknown"));
            return NatFiltering.Unknown;
        }

        if (both is StunTestResult.WrongSource or StunTestResult.ErrorResponse || port is StunTestResult.WrongSource or StunTestResult.ErrorResponse)
        {
            AddOnce(findings, new NatFinding(
                FindingCodes.NatServerUnsupported, ProbeOutcome.Error,
                "the server did not honour CHANGE-REQUEST (an error, or an answer from the address it was asked not to use)"));
            return NatFiltering.Unknown;
        }

        if (both != StunTestResult.NoResponse)
        {
            Incomplete(findings, $"filtering test II (change IP and port) {Describe(both)}");
            return NatFiltering.Unknown;
        }

        switch (port)
        {
            case StunTestResult.Received:
                return NatFiltering.AddressDependent;
            case StunTestResult.NoResponse:
                return NatFiltering.AddressAndPortDependent;
            default:
                Incomplete(findings, $"filtering test III (change port) {Describe(port)}");
                return NatFiltering.Unknown;
        }
    }

    private static string Describe(StunTestResult result) => result switch
    {
        StunTestResult.NoResponse => "got no answer",
        StunTestResult.Inconclusive => "had no conclusive answer before the deadline",
        StunTestResult.NotRun => "did not run",
        _ => $"ended as {result}",
    };

    private static void Incomplete(List<NatFinding> findings, string why) =>
        findings.Add(new NatFinding(FindingCodes.NatIncomplete, ProbeOutcome.Error, why));

    private static void AddOnce(List<NatFinding> findings, NatFinding finding)
    {
        if (!findings.Any(f => f.Code == finding.Code))
            findings.Add(finding);
    }

    private static IPAddress Plain(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>The first hop in 100.64.0.0/10 (RFC 6598 shared address space) and its TTL, if any.</summary>
    private static (IPAddress? Address, int Hop) SharedHop(IReadOnlyList<IPAddress?> hops)
    {
        for (var i = 0; i < hops.Count; i++)
        {
            if (hops[i] is { } hop && AddressScope.Of(hop) == AddressScope.Shared)
                return (hop, i + 1);
        }

        return (null, 0);
    }
}
