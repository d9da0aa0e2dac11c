using FleetMonitor.Api.Fleet;
using FleetMonitor.Storage;

namespace FleetMonitor.Api.Tests.Fleet;

/// <summary>How the breakdown groups agents: public addresses to their /24 or /48, the probes' facts to values, "unknown" otherwise.</summary>
public sealed class FleetBreakdownTests
{
    [Theory]
    [InlineData("198.51.100.23:40000", "198.51.100.0/24")]
    [InlineData("198.51.100.23", "198.51.100.0/24")]
    [InlineData("[2001:db8:1234:5678::1]:3478", "2001:db8:1234::/48")]
    [InlineData("::ffff:203.0.113.9", "203.0.113.0/24")]
    [InlineData("not an address", null)]
    [InlineData("", null)]
    public void A_public_address_counts_as_its_network(string address, string? network) =>
        Assert.Equal(network, FleetBreakdownBuilder.Network(address));

    [Fact]
    public void Agents_are_counted_per_value_with_their_class_and_unknown_where_no_probe_said()
    {
        var now = DateTimeOffset.UnixEpoch;
        AgentOverview[] agents =
        [
            new("a", "s", FleetClass.Broken, "", null, now),
            new("b", "s", FleetClass.Ok, "", null, now),
            new("c", "s", FleetClass.Offline, "", null, now),
        ];
        NetworkFactsRow[] facts =
        [
            new() { AgentId = "a", Kind = "nat", Facts = """{"nat_type":"symmetric","mapped_address":"198.51.100.1:5000"}""" },
            new() { AgentId = "b", Kind = "nat", Facts = """{"nat_type":"symmetric"}""" },
            new() { AgentId = "b", Kind = "exposure", Facts = """{"public_address":"198.51.100.200"}""" },
            new() { AgentId = "b", Kind = "upnp", Facts = """{"igd_server":"Linux UPnP/1.1 MiniUPnPd/2.3"}""" },
            new() { AgentId = "c", Kind = "upnp", Facts = "not json" },
        ];

        var breakdown = FleetBreakdownBuilder.Build(now, agents, facts);

        Assert.Equal([new BreakdownRow("symmetric", 2, 1, 0, 0, 0, 1), new BreakdownRow("unknown", 1, 0, 0, 1, 0, 0)], breakdown.NatTypes);
        Assert.Equal([new BreakdownRow("198.51.100.0/24", 2, 1, 0, 0, 0, 1), new BreakdownRow("unknown", 1, 0, 0, 1, 0, 0)], breakdown.Networks);
        Assert.Equal([new BreakdownRow("unknown", 2, 1, 0, 1, 0, 0), new BreakdownRow("Linux UPnP/1.1 MiniUPnPd/2.3", 1, 0, 0, 0, 0, 1)], breakdown.Routers);
    }
}
