using FleetMonitor.Contracts;
using FleetMonitor.Probes;
using Xunit.Abstractions;

namespace FleetMonitor.Reflector.Tests.Nat;

/// <summary>
/// NAT behaviour discovery against real Linux NATs: for each router configuration, our probe against our Reflector
/// must report the topology's ground truth, and so must coturn's own classifier (<c>turnutils_natdiscovery</c>)
/// against coturn, our probe against coturn, and coturn's classifier against our Reflector (mapping only: it cannot
/// authenticate the CHANGE-REQUEST our Reflector requires credentials for, and the test checks that it is refused).
/// </summary>
/// <remarks>
/// Time: each topology costs about 3 s to build and start both servers, then runs all four clients at once; the
/// slowest are the silent tests of a filtering NAT, which our probe decides after three transmissions and two RTOs
/// (2.5 s; the 60 s timeout is only a bound, wide for a loaded machine) and coturn's tool after its 3 s receive timeouts.
/// </remarks>
public sealed class NatVerdictNetnsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ToolLimit = TimeSpan.FromSeconds(90);

    /// <summary>The router configuration and its ground truth: mapping, filtering, classic name, hairpinning as our probe reports them.</summary>
    public static TheoryData<RouterNat, string, string, string, string> Topologies => new()
    {
        { RouterNat.None, "none", "endpoint_independent", "open", "not_applicable" },
        { RouterNat.Masquerade, "endpoint_independent", "address_and_port_dependent", "port_restricted_cone", "unsupported" },
        { RouterNat.MasqueradeRandomFully, "address_and_port_dependent", "address_and_port_dependent", "symmetric", "unsupported" },
        { RouterNat.FullConeDnat, "endpoint_independent", "endpoint_independent", "full_cone", "supported" },
    };

    [Theory]
    [MemberData(nameof(Topologies))]
    public async Task Verdict_is_the_topologys_ground_truth_and_coturn_agrees(
        RouterNat nat, string mapping, string filtering, string type, string hairpinning)
    {
        using var net = NatTopology.Create(nat);
        await using var reflector = await StunReflector.StartAsync(net);
        await using var coturn = await CoturnPeer.StartAsync(net);

        var ours = NatProbeRunner.RunAsync(net, StunReflector.Target, ProbeTimeout, new Dictionary<string, string>
        {
            ["username"] = StunReflector.Username,
            ["password"] = StunReflector.Password,
            ["max_lifetime_s"] = "0",
        });
        var oursAgainstCoturn = NatProbeRunner.RunAsync(net, CoturnPeer.Target, ProbeTimeout, new Dictionary<string, string> { ["max_lifetime_s"] = "0" });
        var tool = NatDiscovery.RunAsync(net, CoturnPeer.PrimaryPort, ToolLimit, "-m", "-f");
        var toolHairpin = NatDiscovery.RunAsync(net, CoturnPeer.PrimaryPort, ToolLimit, "-H");
        var toolAgainstOurs = NatDiscovery.RunAsync(net, StunReflector.PrimaryPort, ToolLimit, "-m", "-f");
        await Task.WhenAll(ours, oursAgainstCoturn, tool, toolHairpin, toolAgainstOurs);

        var (a, b, c, h, d) = (await ours, await oursAgainstCoturn, await tool, await toolHairpin, await toolAgainstOurs);
        output.WriteLine(
            $"| {nat} | ours→Reflector: {Row(a)} | ours→coturn: {Row(b)} | natdiscovery→coturn: {c.Mapping}/{c.Filtering}" +
            $"{(c.NoNat ? " (No NAT)" : "")}, hairpin {(h.HairpinReceived ? "received" : "not received")} | natdiscovery→Reflector: {d.Mapping}, filtering refused (401: {d.SawError(401)}) |");
        var context = $"\nours→Reflector: {Describe(a)}\nours→coturn: {Describe(b)}\nnatdiscovery→coturn:\n{c.Output}\n{h.Output}\nnatdiscovery→Reflector:\n{d.Output}";

        foreach (var (who, observation) in new[] { ("ours→Reflector", a), ("ours→coturn", b) })
        {
            Assert.True(mapping == observation.Facts["nat_mapping"], $"{who}: mapping {observation.Facts["nat_mapping"]}, the topology has {mapping}{context}");
            Assert.True(filtering == observation.Facts["nat_filtering"], $"{who}: filtering {observation.Facts["nat_filtering"]}, the topology has {filtering}{context}");
            Assert.True(type == observation.Facts["nat_type"], $"{who}: type {observation.Facts["nat_type"]}, the topology is {type}{context}");
            Assert.True(hairpinning == observation.Facts["hairpinning"], $"{who}: hairpinning {observation.Facts["hairpinning"]}, the topology has {hairpinning}{context}");
            var mappedAddress = observation.Facts["mapped_address"];
            Assert.StartsWith(nat == RouterNat.None ? $"{NatTopology.ClientAddress}:" : $"{NatTopology.RouterWanAddress}:", mappedAddress, StringComparison.Ordinal);
            Assert.Equal(nat == RouterNat.None ? "false" : "true", observation.Facts["nat_present"]);
            Assert.Equal(nat == RouterNat.None, observation.Findings.Contains(FindingCodes.NatNone));
            Assert.Equal(filtering == "endpoint_independent", observation.Findings.Contains(FindingCodes.ExposureNatFilteringOpen));
            Assert.Equal(type == "symmetric", observation.Findings.Contains(FindingCodes.NatSymmetric));
            Assert.Equal(hairpinning == "unsupported", observation.Findings.Contains(FindingCodes.NatHairpinUnsupported));
            Assert.DoesNotContain(FindingCodes.NatAlgSuspected, observation.Findings);
            Assert.DoesNotContain(FindingCodes.NatCgnatSuspected, observation.Findings);
            Assert.DoesNotContain(FindingCodes.NatIncomplete, observation.Findings);
            Assert.Equal(
                filtering == "endpoint_independent" || type == "symmetric" ? ProbeOutcome.Degraded : ProbeOutcome.Ok,
                observation.Outcome);
        }

        // natdiscovery names RFC 5780's effective mapping, endpoint-independent, where there is no NAT.
        var toolMapping = mapping == "none" ? "endpoint_independent" : mapping;
        Assert.True(toolMapping == c.Mapping, $"natdiscovery→coturn: mapping {c.Mapping}, the topology has {mapping}{context}");
        Assert.True(filtering == c.Filtering, $"natdiscovery→coturn: filtering {c.Filtering}, the topology has {filtering}{context}");
        Assert.Equal(nat == RouterNat.None, c.NoNat);
        Assert.True(hairpinning is "supported" or "not_applicable" == h.HairpinReceived, $"natdiscovery -H: received {h.HairpinReceived}{context}");
        Assert.True(toolMapping == d.Mapping, $"natdiscovery→Reflector: mapping {d.Mapping}, the topology has {mapping}{context}");
        Assert.True(d.SawError(401), $"natdiscovery→Reflector: its unauthenticated CHANGE-REQUEST should get 401{context}");
    }

    private static string Row(ProbeObservation o) =>
        $"{o.Facts["nat_mapping"]}/{o.Facts["nat_filtering"]} = {o.Facts["nat_type"]}, hairpin {o.Facts["hairpinning"]}, " +
        $"{o.Measurements["transactions"]} tx, {o.Measurements["stun_packets_sent"]}/{o.Measurements["stun_packets_received"]} pkts";

    private static string Describe(ProbeObservation o) =>
        $"{o.Outcome} [{string.Join(", ", o.Findings)}] {string.Join(", ", o.Facts.Select(f => $"{f.Key}={f.Value}"))} " +
        $"{string.Join(", ", o.Measurements.Select(m => $"{m.Key}={m.Value}"))} {o.Error}";
}
