using System.Net;
using FleetMonitor.Probes.Upnp;

namespace FleetMonitor.Probes.Tests.Upnp;

public sealed class UpnpMappingRulesTests
{
    private static readonly HashSet<IPAddress> Local = [IPAddress.Parse("10.0.0.2")];

    [Fact]
    public void Each_kind_of_mapping_gets_its_finding_with_the_mappings_behind_it()
    {
        UpnpPortMapping[] mappings =
        [
            Mapping("UDP", 5060, "10.0.0.2", 5060),
            Mapping("TCP", 2222, "10.0.0.2", 22),
            Mapping("UDP", 3074, "10.0.0.9", 3074),
            .. Enumerable.Range(30000, 10).Select(p => Mapping("UDP", p, "10.0.0.2", p)),
            Mapping("UDP", 10500, "10.0.0.2", 10500),
        ];

        var findings = UpnpMappingRules.Classify(mappings, UpnpMappingRules.DefaultRtpRanges, wideRange: 10, Local)
            .ToDictionary(f => f.Finding, f => f.Mappings.Select(m => m.ExternalPort).Order().ToArray());

        Assert.Equal([5060], findings[FindingCodes.UpnpMappingSip]);
        Assert.Equal([2222], findings[FindingCodes.UpnpMappingAdmin]);
        Assert.Equal([3074], findings[FindingCodes.UpnpMappingOtherHost]);
        Assert.Equal([.. Enumerable.Range(30000, 10)], findings[FindingCodes.UpnpMappingWideRange]);
        Assert.Equal([10500, .. Enumerable.Range(30000, 10)], findings[FindingCodes.UpnpMappingRtp]);
    }

    [Fact]
    public void Nine_consecutive_ports_or_a_gap_are_not_a_wide_range()
    {
        UpnpPortMapping[] mappings =
        [
            .. Enumerable.Range(40000, 9).Select(p => Mapping("TCP", p, "10.0.0.2", p)),
            .. Enumerable.Range(40010, 9).Select(p => Mapping("TCP", p, "10.0.0.2", p)),
        ];

        var findings = UpnpMappingRules.Classify(mappings, UpnpMappingRules.DefaultRtpRanges, wideRange: 10, Local);

        Assert.Empty(findings);
    }

    private static UpnpPortMapping Mapping(string protocol, int external, string client, int port) =>
        new("", external, protocol, port, client, true, "test", 0);
}
