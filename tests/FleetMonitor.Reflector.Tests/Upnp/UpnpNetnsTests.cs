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

        // The probe ends once it has read the list; the budget only bounds a loaded machine.
        var observation = await NetnsProbe.RunAsync(_net.Client, "upnp", "ssdp", TimeSpan.FromSeconds(60), new Dictionary<string, string>());
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
    /// The IGD stops answering half-way through the list (a proxy in front of miniupnpd answers GetGenericPortMappingEntry
    /// for indexes 0-4, then reads the requests for later indexes, which the probe has in flight a few at a time, and
    /// never answers them): at its deadline the probe reports the five mappings it read, with their findings, and
    /// <c>upnp.incomplete</c>, instead of a bare <c>upnp.failed</c>.
    /// </summary>
    [Fact]
    public async Task A_deadline_in_the_middle_of_the_list_keeps_the_mappings_read()
    {
        await using var stun = new StunResponder(
            _net.Internet, System.Net.IPAddress.Parse(RouterTopology.InternetAddress), System.Net.IPAddress.Parse(RouterTopology.InternetAlternate));
        await using var miniupnpd = await MiniupnpdRouter.StartAsync(_net);
        int[] ports = [.. Enumerable.Range(20000, 12)];
        await MiniupnpdRouter.UpnpcAsync(_net.Client, TimeSpan.FromSeconds(60), ["-e", "softphone", "-r", .. ports.SelectMany(p => new[] { $"{p}", "UDP" })]);
        var truth = ports.Select(p => $"UDP {p} -> {RouterTopology.ClientAddress}:{p}").ToHashSet();
        var listed = await MiniupnpdRouter.UpnpcAsync(_net.Client, "-l");
        var known = System.Text.RegularExpressions.Regex.Matches(listed, @"(UDP|TCP)\s+(\d+)->([\d.]+):(\d+)")
            .Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value} -> {m.Groups[3].Value}:{m.Groups[4].Value}").ToHashSet();
        Assert.True(truth.SetEquals(known), $"miniupnpd's list (upnpc -l) is not the 12 mappings:\n{listed}");

        await using var proxy = IgdStallingProxy.Start(_net, answer: 5);
        var whole = await NetnsProbe.RunAsync(_net.Client, "upnp", MiniupnpdRouter.DescriptionUrl, TimeSpan.FromSeconds(60), new Dictionary<string, string>());
        // The held requests are never answered, so the deadline always comes while they wait: 20 s only leaves a loaded
        // machine (8 s once ran out after 3 of the 5 answers, at a load of 50) the time to read the five first.
        var cut = await NetnsProbe.RunAsync(_net.Client, "upnp", proxy.DescriptionUrl, TimeSpan.FromSeconds(20), new Dictionary<string, string>());

        var read = Listed(cut);
        output.WriteLine($"{read.Count} read, {proxy.Answered} entries passed, {proxy.Held} held; {cut.Outcome} {string.Join(", ", cut.Findings)}; {cut.Error}");
        Assert.True(truth.SetEquals(Listed(whole)), $"without the proxy: {string.Join("; ", Listed(whole))}");
        Assert.DoesNotContain(FindingCodes.UpnpIncomplete, whole.Findings);
        Assert.Equal(5, proxy.Answered);
        Assert.True(proxy.Held >= 1, "no request past index 4 reached the proxy");
        Assert.Contains(FindingCodes.UpnpIncomplete, cut.Findings);
        Assert.DoesNotContain(FindingCodes.UpnpFailed, cut.Findings);
        Assert.Equal(RouterTopology.RouterWan, cut.Facts["external_address"]);
        Assert.Equal(5, read.Count);
        Assert.Equal(5, cut.Measurements["mappings_count"]);
        Assert.Subset(truth, read);
        Assert.Contains(FindingCodes.UpnpMappingRtp, cut.Findings);
        Assert.Equal(ProbeOutcome.Degraded, cut.Outcome);
    }

    /// <summary>
    /// miniupnpd holding 100 mappings (from its lease file; upnpc -l is the ground truth): with the kind's default
    /// timeout the probe reads them all, or, if a starved machine lets the deadline come first, reports the ones it read
    /// with <c>upnp.incomplete</c>; either way every mapping it reports is one miniupnpd holds.
    /// </summary>
    [Fact]
    public async Task A_hundred_mappings_are_read_within_the_default_timeout()
    {
        await using var stun = new StunResponder(
            _net.Internet, System.Net.IPAddress.Parse(RouterTopology.InternetAddress), System.Net.IPAddress.Parse(RouterTopology.InternetAlternate));
        int[] ports = [.. Enumerable.Range(20000, 100)];
        var setup = System.Diagnostics.Stopwatch.StartNew();
        await using var miniupnpd = await MiniupnpdRouter.StartAsync(
            _net, [.. ports.Select(p => $"UDP:{p}:{RouterTopology.ClientAddress}:{p}:0:softphone")]);
        var truth = ports.Select(p => $"UDP {p} -> {RouterTopology.ClientAddress}:{p}").ToHashSet();
        // upnpc reads the list one entry at a time: at a load of 45-60 it once needed more than a minute for the 100.
        var listed = await MiniupnpdRouter.UpnpcAsync(_net.Client, TimeSpan.FromSeconds(240), ["-l"]);
        var known = System.Text.RegularExpressions.Regex.Matches(listed, @"(UDP|TCP)\s+(\d+)->([\d.]+):(\d+)")
            .Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value} -> {m.Groups[3].Value}:{m.Groups[4].Value}").ToHashSet();
        Assert.True(truth.SetEquals(known), $"miniupnpd's list (upnpc -l) is not the 100 mappings:\n{listed}\n{miniupnpd.Output}");
        output.WriteLine($"miniupnpd started with 100 mappings and upnpc listed them in {setup.Elapsed.TotalSeconds:F1} s");

        var timeout = ProbeKindSpecs.All["upnp"].DefaultTimeout;
        var started = System.Diagnostics.Stopwatch.StartNew();
        // The IGD's description URL, not an SSDP search: the list is what this test reads (the other tests search), and
        // under a load of 30 a busy miniupnpd once let the 2 s search go unanswered.
        var observation = await NetnsProbe.RunAsync(_net.Client, "upnp", MiniupnpdRouter.DescriptionUrl, timeout, new Dictionary<string, string>());
        var read = Listed(observation);
        output.WriteLine($"{read.Count} of {truth.Count} read in {started.Elapsed.TotalSeconds:F1} s (timeout {timeout.TotalSeconds} s); {observation.Outcome} {string.Join(", ", observation.Findings)}");

        Assert.DoesNotContain(FindingCodes.UpnpFailed, observation.Findings);
        Assert.Equal(RouterTopology.RouterWan, observation.Facts["external_address"]);
        Assert.Subset(truth, read);
        Assert.Equal(read.Count, observation.Measurements["mappings_count"]);
        if (observation.Findings.Contains(FindingCodes.UpnpIncomplete))
        {
            Assert.NotEmpty(read);
            Assert.True(read.Count < truth.Count, $"upnp.incomplete with all {read.Count} mappings read");
        }
        else
        {
            Assert.True(truth.SetEquals(read), $"{read.Count} read without upnp.incomplete");
        }

        Assert.Contains(FindingCodes.UpnpMappingRtp, observation.Findings);
        Assert.Contains(FindingCodes.UpnpMappingWideRange, observation.Findings);
        Assert.DoesNotContain(FindingCodes.UpnpMappingOtherHost, observation.Findings);
        Assert.Equal(ProbeOutcome.Degraded, observation.Outcome);
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
