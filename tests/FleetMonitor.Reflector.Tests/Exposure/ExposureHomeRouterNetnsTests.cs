using System.Net;
using FleetMonitor.Contracts;
using FleetMonitor.Probes;
using FleetMonitor.Protocols.Exposure;
using FleetMonitor.Reflector.Exposure;
using FleetMonitor.Reflector.Tests.Support;
using Xunit.Abstractions;
using static FleetMonitor.Reflector.Tests.Exposure.ExposureReflector;

namespace FleetMonitor.Reflector.Tests.Exposure;

/// <summary>
/// The exposure probe against a router namespace left as a real home router is: Linux's ICMP error rate limit at the
/// kernel's default (a burst of a few port-unreachables to one destination, then about one a second), and ports the
/// site forwards outside the Reflector's list. The scan must equal the topology's truth and nmap's.
/// </summary>
public sealed class ExposureHomeRouterNetnsTests(ITestOutputHelper output) : IDisposable
{
    private readonly RouterTopology _net = RouterTopology.Create(kernelIcmpRateLimit: true);

    public void Dispose() => _net.Dispose();

    /// <summary>
    /// Nothing listens and nothing filters: all 12 UDP ports (the four of the list and eight of the RTP range) are
    /// closed, though the router answers a burst of them with only a few port-unreachables and the rest one a second.
    /// </summary>
    [Fact]
    public async Task Closed_UDP_ports_behind_the_kernels_ICMP_rate_limit_are_closed_as_nmap_says()
    {
        Assert.True(_net.RouterIcmpRateLimit() > 0, "the router namespace must keep the kernel's ICMP rate limit");
        int[] rtp = [.. RtpSamplePorts(10000, 20000, ExposureScanProtocol.MaxRtpSample)];
        var truth = Expected(ExposureOptions.DefaultPorts.Concat(rtp.Select(p => $"{p}/udp")), ExposurePortState.Closed, ExposurePortState.Closed);
        Assert.Equal(12, truth.Keys.Count(p => p.EndsWith("/udp", StringComparison.Ordinal)));

        var (observation, states) = await ScanAndCompareWithNmapAsync(_net, output, truth, nmapDefaultTiming: true, ("rtp_sample", $"{rtp.Length}"));

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Equal([FindingCodes.ExposureNone], observation.Findings);
        Assert.DoesNotContain(ExposurePortState.OpenFiltered, states.Values);
    }

    /// <summary>
    /// A port forwarded outside the Reflector's list (8089/tcp to a web server on another LAN host) behind the firewall:
    /// the site names it, the scan covers it with the Reflector's list, and says which ports it scanned.
    /// </summary>
    [Fact]
    public async Task A_port_the_site_names_outside_the_list_is_scanned_and_reported()
    {
        _net.EnableWanFirewall();
        _net.Forward("tcp", 8089, RouterTopology.LanHostAddress);
        await using var web = TcpStub.WebAdmin(_net.LanHost, new IPEndPoint(IPAddress.Parse(RouterTopology.LanHostAddress), 8089));
        Assert.DoesNotContain("8089/tcp", ExposureOptions.DefaultPorts);
        var truth = Expected(
            ExposureOptions.DefaultPorts.Concat(RtpPorts.Select(p => $"{p}/udp")).Append("8089/tcp"),
            ExposurePortState.Filtered, ExposurePortState.OpenFiltered, ("8089/tcp", ExposurePortState.Open));

        var (observation, _) = await ScanAndCompareWithNmapAsync(_net, output, truth, ("ports", "default,8089/tcp"));

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal(["exposure.open.8089/tcp"], observation.Findings);
        Assert.Equal("default+site", observation.Facts["coverage"]);
        Assert.Equal(truth.Keys.Order(StringComparer.Ordinal), observation.Facts["scanned"].Split(',').Order(StringComparer.Ordinal));
    }

    /// <summary>The Reflector's own spread of a sample over a range (RtpSample.Ports), written out for the truth.</summary>
    private static IEnumerable<int> RtpSamplePorts(int first, int last, int count) =>
        Enumerable.Range(0, count).Select(i => first + (int)Math.Round((double)(last - first) * i / (count - 1), MidpointRounding.AwayFromZero));
}
