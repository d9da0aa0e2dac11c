using FleetMonitor.Contracts;
using FleetMonitor.Probes;
using FleetMonitor.Reflector.Tests.Support;
using Xunit.Abstractions;

namespace FleetMonitor.Reflector.Tests.Upnp;

/// <summary>
/// The upnp probe in the client namespace against a real miniupnpd on the router namespace's LAN bridge, found by a
/// real SSDP multicast search (which stays on the LAN: only the client, the LAN host and the router share it), with
/// port mappings added by upnpc from the client and from another LAN host.
/// </summary>
public sealed class UpnpNetnsTests(ITestOutputHelper output) : IDisposable
{
    private readonly RouterTopology _net = RouterTopology.Create();

    public void Dispose() => _net.Dispose();

    [Fact]
    public async Task Lists_every_mapping_and_the_external_address_and_flags_what_exposes_the_site()
    {
        await using var stun = new StunResponder(
            _net.Internet, System.Net.IPAddress.Parse(RouterTopology.InternetAddress), System.Net.IPAddress.Parse(RouterTopology.InternetAlternate));
        await using var miniupnpd = await MiniupnpdRouter.StartAsync(_net);

        // The agent's PC: its softphone's SIP port, a web admin on 8080 -> 80, and an RTP range opened port by port.
        int[] rtp = [.. Enumerable.Range(16384, 12)];
        await MiniupnpdRouter.UpnpcAsync(_net.Client,
        [
            "-e", "softphone", "-r", "5060", "UDP", "80", "8080", "TCP", .. rtp.SelectMany(p => new[] { $"{p}", "UDP" }),
        ]);

        // Another device on the LAN opens remote desktop to itself.
        await MiniupnpdRouter.UpnpcAsync(_net.LanHost, "-e", "console", "-r", "3389", "TCP");

        HashSet<string> expected =
        [
            $"UDP 5060 -> {RouterTopology.ClientAddress}:5060",
            $"TCP 8080 -> {RouterTopology.ClientAddress}:80",
            .. rtp.Select(p => $"UDP {p} -> {RouterTopology.ClientAddress}:{p}"),
            $"TCP 3389 -> {RouterTopology.LanHostAddress}:3389",
        ];

        var observation = await NetnsProbe.RunAsync(_net.Client, "upnp", "ssdp", TimeSpan.FromSeconds(15), new Dictionary<string, string>());
        output.WriteLine(string.Join('\n', observation.Facts.Select(f => $"{f.Key} = {f.Value}")));
        output.WriteLine($"{observation.Outcome}: {string.Join(", ", observation.Findings)}; {observation.Error}");

        Assert.Equal(RouterTopology.RouterWan, observation.Facts["external_address"]);
        Assert.Equal(MiniupnpdRouter.DescriptionUrl, observation.Facts["igd_location"]);
        Assert.Contains("MiniUPnPd", observation.Facts["igd_server"], StringComparison.Ordinal);
        var listed = observation.Facts["mappings"].Split("; ").Select(m => m[..m.IndexOf(" \"", StringComparison.Ordinal)]).ToHashSet();
        Assert.True(expected.SetEquals(listed), $"expected {string.Join("; ", expected)}\nlisted {string.Join("; ", listed)}");
        Assert.Equal(expected.Count, observation.Measurements["mappings_count"]);

        Assert.Equal(ProbeOutcome.Degraded, observation.Outcome);
        Assert.Equal(
            [FindingCodes.UpnpMappingAdmin, FindingCodes.UpnpMappingOtherHost, FindingCodes.UpnpMappingRtp, FindingCodes.UpnpMappingSip, FindingCodes.UpnpMappingWideRange],
            observation.Findings.Order(StringComparer.Ordinal));
        Assert.Contains($"{FindingCodes.UpnpMappingOtherHost}: TCP 3389 -> {RouterTopology.LanHostAddress}:3389", observation.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// 100 mappings (the agent's PC opening an RTP range port by port, as some softphones do): with the default timeout
    /// the probe reads them all, exactly miniupnpd's list (its DNAT rules); with a timeout that ends the
    /// reading half-way it reports the mappings it read, with their findings, and <c>upnp.incomplete</c>.
    /// </summary>
    [Fact]
    public async Task A_hundred_mappings_are_read_in_full_and_a_deadline_keeps_those_read()
    {
        await using var stun = new StunResponder(
            _net.Internet, System.Net.IPAddress.Parse(RouterTopology.InternetAddress), System.Net.IPAddress.Parse(RouterTopology.InternetAlternate));
        int[] ports = [.. Enumerable.Range(20000, 100)];

        // Restored from miniupnpd's lease file at its start: adding 100 with upnpc takes minutes, each add slower than the last.
        await using var miniupnpd = await MiniupnpdRouter.StartAsync(_net, [.. ports.Select(p => $"UDP:{p}:{RouterTopology.ClientAddress}:{p}:0:softphone")]);
        var truth = ports.Select(p => $"UDP {p} -> {RouterTopology.ClientAddress}:{p}").ToHashSet();
        Assert.True(truth.SetEquals(MiniupnpdRouter.NftMappings(_net)), $"miniupnpd did not restore the 100 mappings:\n{miniupnpd.Output}");

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var full = await NetnsProbe.RunAsync(_net.Client, "upnp", MiniupnpdRouter.DescriptionUrl, ProbeKindSpecs.All["upnp"].DefaultTimeout, new Dictionary<string, string>());
        var fullTime = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        output.WriteLine($"full read in {fullTime.TotalSeconds:0.0} s (runner start included): {full.Outcome} {string.Join(", ", full.Findings)}");
        Assert.True(truth.SetEquals(Listed(full)), $"read {full.Facts.GetValueOrDefault("mappings")}\n{full.Error}");
        Assert.Equal(100, full.Measurements["mappings_count"]);
        Assert.DoesNotContain(FindingCodes.UpnpIncomplete, full.Findings);
        Assert.Equal([FindingCodes.UpnpMappingRtp, FindingCodes.UpnpMappingWideRange], full.Findings.Order(StringComparer.Ordinal));

        // The process start costs the same in both runs; the reading itself is what the shorter timeout cuts.
        var cut = await NetnsProbe.RunAsync(_net.Client, "upnp", MiniupnpdRouter.DescriptionUrl, fullTime / 2, new Dictionary<string, string>());
        var read = Listed(cut);
        output.WriteLine($"cut at {(fullTime / 2).TotalSeconds:0.0} s: {read.Count} read; {cut.Outcome} {string.Join(", ", cut.Findings)}; {cut.Error}");
        Assert.Contains(FindingCodes.UpnpIncomplete, cut.Findings);
        Assert.DoesNotContain(FindingCodes.UpnpFailed, cut.Findings);
        Assert.Equal(RouterTopology.RouterWan, cut.Facts["external_address"]);
        Assert.InRange(read.Count, 1, 99);
        Assert.Equal(read.Count, cut.Measurements["mappings_count"]);
        Assert.Subset(truth, read);
        Assert.Contains(FindingCodes.UpnpMappingRtp, cut.Findings);
        Assert.Equal(ProbeOutcome.Degraded, cut.Outcome);
    }

    private static HashSet<string> Listed(ProbeObservation observation) =>
        observation.Facts.TryGetValue("mappings", out var mappings)
            ? mappings.Split("; ").Select(m => m[..m.IndexOf(" \"", StringComparison.Ordinal)]).ToHashSet()
            : [];

    [Fact]
    public async Task Without_an_IGD_nothing_answers_and_nothing_can_be_mapped()
    {
        var observation = await NetnsProbe.RunAsync(_net.Client, "upnp", "ssdp", TimeSpan.FromSeconds(10), new Dictionary<string, string> { ["ssdp_wait_ms"] = "1500" });

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Equal([FindingCodes.UpnpNotFound], observation.Findings);
        Assert.Equal(0, observation.Measurements["ssdp_responses"]);
    }
}
