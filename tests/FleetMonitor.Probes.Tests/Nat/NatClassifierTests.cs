using System.Net;
using FleetMonitor.Contracts;
using FleetMonitor.Probes.Nat;

namespace FleetMonitor.Probes.Tests.Nat;

/// <summary>The RFC 5780 decision trees and the findings, from observations alone: one case per kind of NAT and per way a test can end.</summary>
public sealed class NatClassifierTests
{
    private static readonly IPEndPoint Local = Ep("10.0.0.2:40000");
    private static readonly IPEndPoint Public = Ep("203.0.113.1:40000");
    private static readonly IPEndPoint Other = Ep("198.51.100.11:3479");

    [Fact]
    public void Mapped_address_equal_to_the_local_one_with_replies_from_anywhere_is_open()
    {
        var verdict = NatClassifier.Classify(Seen(Local) with { FilteringChangeIpAndPort = StunTestResult.Received });

        Assert.Equal((NatMapping.None, NatFiltering.EndpointIndependent, "open"), (verdict.Mapping, verdict.Filtering, verdict.NatType));
        Assert.Equal("not_applicable", verdict.Hairpinning);
        Assert.Equal(
            [FindingCodes.NatNone, FindingCodes.NatFilteringEndpointIndependent, FindingCodes.ExposureNatFilteringOpen],
            Codes(verdict));
        Assert.Equal(ProbeOutcome.Degraded, Worst(verdict));
    }

    [Fact]
    public void No_nat_behind_a_filtering_firewall_is_a_udp_firewall()
    {
        var verdict = NatClassifier.Classify(Seen(Local) with
        {
            FilteringChangeIpAndPort = StunTestResult.NoResponse,
            FilteringChangePort = StunTestResult.NoResponse,
        });

        Assert.Equal("udp_firewall", verdict.NatType);
        Assert.Equal(NatFiltering.AddressAndPortDependent, verdict.Filtering);
        Assert.Equal(ProbeOutcome.Ok, Worst(verdict));
    }

    [Theory]
    [InlineData(StunTestResult.Received, StunTestResult.Received, NatFiltering.EndpointIndependent, "full_cone")]
    [InlineData(StunTestResult.Received, StunTestResult.NoResponse, NatFiltering.EndpointIndependent, "full_cone")]
    [InlineData(StunTestResult.NoResponse, StunTestResult.Received, NatFiltering.AddressDependent, "restricted_cone")]
    [InlineData(StunTestResult.NoResponse, StunTestResult.NoResponse, NatFiltering.AddressAndPortDependent, "port_restricted_cone")]
    public void Endpoint_independent_mapping_is_named_by_its_filtering(
        StunTestResult changeIpAndPort, StunTestResult changePort, NatFiltering filtering, string type)
    {
        var verdict = NatClassifier.Classify(Eim() with { FilteringChangeIpAndPort = changeIpAndPort, FilteringChangePort = changePort });

        Assert.Equal((NatMapping.EndpointIndependent, filtering, type), (verdict.Mapping, verdict.Filtering, verdict.NatType));
        Assert.Contains(FindingCodes.NatMappingEndpointIndependent, Codes(verdict));
        Assert.DoesNotContain(FindingCodes.NatSymmetric, Codes(verdict));
        Assert.Equal(
            filtering == NatFiltering.EndpointIndependent,
            Codes(verdict).Contains(FindingCodes.ExposureNatFilteringOpen));
    }

    [Fact]
    public void A_new_address_per_destination_address_is_symmetric_address_dependent()
    {
        var verdict = NatClassifier.Classify(Eim() with
        {
            Mapped2 = Ep("203.0.113.1:40001"),
            Mapping3 = StunTestResult.Received,
            Mapped3 = Ep("203.0.113.1:40001"),
        });

        Assert.Equal((NatMapping.AddressDependent, "symmetric"), (verdict.Mapping, verdict.NatType));
        Assert.Contains(FindingCodes.NatMappingAddressDependent, Codes(verdict));
        Assert.Contains(FindingCodes.NatSymmetric, Codes(verdict));
        Assert.Equal(ProbeOutcome.Degraded, Worst(verdict));
    }

    [Fact]
    public void A_new_address_per_destination_port_is_symmetric_address_and_port_dependent()
    {
        var verdict = NatClassifier.Classify(Eim() with
        {
            Mapped2 = Ep("203.0.113.1:40001"),
            Mapping3 = StunTestResult.Received,
            Mapped3 = Ep("203.0.113.1:40002"),
        });

        Assert.Equal((NatMapping.AddressAndPortDependent, "symmetric"), (verdict.Mapping, verdict.NatType));
        Assert.Contains(FindingCodes.NatMappingAddressAndPortDependent, Codes(verdict));
        Assert.Contains(FindingCodes.NatSymmetric, Codes(verdict));
    }

    [Fact]
    public void An_ipv4_mapped_ipv6_address_is_the_same_endpoint_as_its_ipv4_address()
    {
        var verdict = NatClassifier.Classify(Eim() with { Mapped2 = new IPEndPoint(Public.Address.MapToIPv6(), Public.Port) });

        Assert.Equal(NatMapping.EndpointIndependent, verdict.Mapping);
    }

    [Fact]
    public void No_answer_to_test_one_fails_and_says_so()
    {
        var verdict = NatClassifier.Classify(new NatObservations { Local = Local, Test1 = StunTestResult.NoResponse, Test1Transmissions = 7 });

        Assert.Equal((NatMapping.Unknown, NatFiltering.Unknown, "unknown"), (verdict.Mapping, verdict.Filtering, verdict.NatType));
        var finding = Assert.Single(verdict.Findings);
        Assert.Equal(FindingCodes.NatNoResponse, finding.Code);
        Assert.Equal(ProbeOutcome.Failed, finding.Severity);
        Assert.Contains("7 transmissions", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_server_without_other_address_cannot_tell_mapping_or_filtering()
    {
        var verdict = NatClassifier.Classify(Seen(Public) with { OtherAddress = null });

        Assert.Equal((NatMapping.Unknown, NatFiltering.Unknown, "unknown"), (verdict.Mapping, verdict.Filtering, verdict.NatType));
        Assert.Contains(FindingCodes.NatServerUnsupported, Codes(verdict));
        Assert.Equal(ProbeOutcome.Error, Worst(verdict));
    }

    [Fact]
    public void A_refused_change_request_leaves_filtering_unknown_and_names_the_credentials()
    {
        var verdict = NatClassifier.Classify(Eim() with
        {
            FilteringChangeIpAndPort = StunTestResult.Unauthorized,
            FilteringChangePort = StunTestResult.Unauthorized,
        });

        Assert.Equal((NatMapping.EndpointIndependent, NatFiltering.Unknown, "unknown"), (verdict.Mapping, verdict.Filtering, verdict.NatType));
        Assert.Single(verdict.Findings, f => f.Code == FindingCodes.NatUnauthorized && f.Severity == ProbeOutcome.Error);
    }

    [Fact]
    public void An_answer_from_the_address_the_change_request_ruled_out_is_not_a_filtering_result()
    {
        var verdict = NatClassifier.Classify(Eim() with { FilteringChangeIpAndPort = StunTestResult.WrongSource });

        Assert.Equal(NatFiltering.Unknown, verdict.Filtering);
        Assert.Contains(FindingCodes.NatServerUnsupported, Codes(verdict));
    }

    [Theory]
    [InlineData(StunTestResult.Inconclusive, StunTestResult.NoResponse)]
    [InlineData(StunTestResult.NoResponse, StunTestResult.Inconclusive)]
    [InlineData(StunTestResult.NotRun, StunTestResult.NotRun)]
    public void Silence_cut_short_by_the_deadline_decides_nothing(StunTestResult changeIpAndPort, StunTestResult changePort)
    {
        var verdict = NatClassifier.Classify(Eim() with { FilteringChangeIpAndPort = changeIpAndPort, FilteringChangePort = changePort });

        Assert.Equal(NatFiltering.Unknown, verdict.Filtering);
        Assert.Contains(FindingCodes.NatIncomplete, Codes(verdict));
    }

    [Fact]
    public void A_silent_alternate_address_leaves_mapping_unknown()
    {
        var verdict = NatClassifier.Classify(Eim() with { Mapping2 = StunTestResult.NoResponse, Mapped2 = null });

        Assert.Equal(NatMapping.Unknown, verdict.Mapping);
        Assert.Single(verdict.Findings, f => f.Code == FindingCodes.NatIncomplete && f.Message!.Contains("test II", StringComparison.Ordinal));
    }

    [Fact]
    public void Mapped_and_xor_mapped_addresses_that_differ_suggest_an_alg()
    {
        var verdict = NatClassifier.Classify(Eim() with { AlgMappedAddress = Ep("10.0.0.2:40000") });

        var finding = Assert.Single(verdict.Findings, f => f.Code == FindingCodes.NatAlgSuspected);
        Assert.Equal(ProbeOutcome.Degraded, finding.Severity);
    }

    [Theory]
    [InlineData("100.64.0.1", true)]
    [InlineData("100.127.255.254", true)]
    [InlineData("100.128.0.1", false)]
    [InlineData("10.255.0.1", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.1.1", true)]
    [InlineData("203.0.113.1", false)]
    public void A_mapped_address_in_shared_or_private_space_suggests_a_second_nat(string address, bool suspected)
    {
        var verdict = NatClassifier.Classify(Eim(new IPEndPoint(IPAddress.Parse(address), 40000)));

        Assert.Equal(suspected, Codes(verdict).Contains(FindingCodes.NatCgnatSuspected));
    }

    [Theory]
    [InlineData("10.0.0.1,100.64.0.1,203.0.113.10", true)]
    [InlineData("10.0.0.1,,100.100.3.4", true)]
    [InlineData("10.0.0.1,203.0.113.10", false)]
    [InlineData("192.168.1.1,10.20.0.1,198.51.100.7", false)]
    [InlineData("", false)]
    public void A_hop_in_shared_address_space_behind_a_public_mapped_address_suggests_carrier_grade_nat(string hops, bool suspected)
    {
        IPAddress?[] path = hops.Length == 0 ? [] : hops.Split(',').Select(h => h.Length == 0 ? null : IPAddress.Parse(h)).ToArray();

        var verdict = NatClassifier.Classify(Eim() with { PathHops = path });

        Assert.Equal(suspected, Codes(verdict).Contains(FindingCodes.NatCgnatSuspected));
        if (suspected)
            Assert.Contains("in 100.64.0.0/10", verdict.Findings.Single(f => f.Code == FindingCodes.NatCgnatSuspected).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shared_hop_without_nat_is_no_second_nat()
    {
        var verdict = NatClassifier.Classify(Seen(Local) with { FilteringChangeIpAndPort = StunTestResult.Received, PathHops = [IPAddress.Parse("100.64.0.1")] });

        Assert.DoesNotContain(FindingCodes.NatCgnatSuspected, Codes(verdict));
    }

    [Fact]
    public void A_private_address_without_nat_is_no_second_nat()
    {
        var verdict = NatClassifier.Classify(Seen(Local) with { FilteringChangeIpAndPort = StunTestResult.Received });

        Assert.DoesNotContain(FindingCodes.NatCgnatSuspected, Codes(verdict));
    }

    [Theory]
    [InlineData(StunTestResult.Received, "supported", false)]
    [InlineData(StunTestResult.NoResponse, "unsupported", true)]
    [InlineData(StunTestResult.Inconclusive, "unknown", false)]
    public void Hairpinning_is_reported_only_when_decided(StunTestResult hairpin, string fact, bool finding)
    {
        var verdict = NatClassifier.Classify(Eim() with { Hairpin = hairpin });

        Assert.Equal(fact, verdict.Hairpinning);
        Assert.Equal(finding, Codes(verdict).Contains(FindingCodes.NatHairpinUnsupported));
    }

    [Theory]
    [InlineData(7.5, 10.0, 30, true)]
    [InlineData(30.0, 45.0, 30, false)]
    [InlineData(20.0, null, 30, false)]
    [InlineData(0.0, 1.25, 2, true)]
    [InlineData(0.0, 1.25, 1, false)]
    public void A_binding_that_dies_before_the_keepalive_is_short(double atLeast, double? below, int keepalive, bool isShort)
    {
        var lifetime = new BindingLifetime(
            TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(atLeast), below is null ? null : TimeSpan.FromSeconds(below.Value), true);

        var verdict = NatClassifier.Classify(Eim() with { Lifetime = lifetime, Keepalive = TimeSpan.FromSeconds(keepalive) });

        Assert.Equal(isShort, verdict.Findings.Any(f => f.Code == FindingCodes.NatBindingShort && f.Severity == ProbeOutcome.Degraded));
    }

    [Fact]
    public void A_refused_response_port_is_reported_once()
    {
        var verdict = NatClassifier.Classify(Eim() with
        {
            FilteringChangeIpAndPort = StunTestResult.Unauthorized,
            LifetimeUnauthorized = true,
        });

        Assert.Single(verdict.Findings, f => f.Code == FindingCodes.NatUnauthorized);
    }

    [Theory]
    [InlineData(NatMapping.None, NatFiltering.EndpointIndependent, "open")]
    [InlineData(NatMapping.None, NatFiltering.AddressDependent, "udp_firewall")]
    [InlineData(NatMapping.None, NatFiltering.Unknown, "unknown")]
    [InlineData(NatMapping.EndpointIndependent, NatFiltering.Unknown, "unknown")]
    [InlineData(NatMapping.AddressDependent, NatFiltering.Unknown, "symmetric")]
    [InlineData(NatMapping.AddressAndPortDependent, NatFiltering.EndpointIndependent, "symmetric")]
    [InlineData(NatMapping.Unknown, NatFiltering.EndpointIndependent, "unknown")]
    public void Classic_names(NatMapping mapping, NatFiltering filtering, string type)
    {
        Assert.Equal(type, NatClassifier.TypeOf(mapping, filtering));
    }

    [Fact]
    public void A_search_cut_short_by_the_timeout_says_the_keepalive_was_not_decided()
    {
        var outlived = new BindingLifetime(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), null, true);
        var verdict = NatClassifier.Classify(Eim() with { Lifetime = outlived, LifetimeShortened = TimeSpan.FromSeconds(5) });

        Assert.Contains(FindingCodes.NatBindingLifetimeUnmeasured, Codes(verdict));
        Assert.DoesNotContain(FindingCodes.NatBindingShort, Codes(verdict));
        Assert.Equal(ProbeOutcome.Ok, Worst(verdict));
    }

    [Fact]
    public void A_search_cut_short_that_still_found_a_short_binding_reports_it()
    {
        var died = new BindingLifetime(TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6), true);
        var verdict = NatClassifier.Classify(Eim() with { Lifetime = died, LifetimeShortened = TimeSpan.FromSeconds(8) });

        Assert.Contains(FindingCodes.NatBindingShort, Codes(verdict));
        Assert.DoesNotContain(FindingCodes.NatBindingLifetimeUnmeasured, Codes(verdict));
    }

    /// <summary>Test I answered with <paramref name="mapped"/> and OTHER-ADDRESS, nothing else run yet.</summary>
    private static NatObservations Seen(IPEndPoint mapped) => new()
    {
        Local = Local,
        Test1 = StunTestResult.Received,
        Mapped1 = mapped,
        OtherAddress = Other,
    };

    /// <summary>A NAT whose mapping tests found endpoint-independent mapping (X2 = X1) and whose filtering is port-restricted.</summary>
    private static NatObservations Eim(IPEndPoint? mapped = null) => Seen(mapped ?? Public) with
    {
        Mapping2 = StunTestResult.Received,
        Mapped2 = mapped ?? Public,
        FilteringChangeIpAndPort = StunTestResult.NoResponse,
        FilteringChangePort = StunTestResult.NoResponse,
        Hairpin = StunTestResult.NoResponse,
    };

    private static List<string> Codes(NatVerdict verdict) => [.. verdict.Findings.Select(f => f.Code)];

    private static ProbeOutcome Worst(NatVerdict verdict) => verdict.Findings.Select(f => f.Severity).DefaultIfEmpty(ProbeOutcome.Ok).Max();

    private static IPEndPoint Ep(string text) => IPEndPoint.Parse(text);
}
