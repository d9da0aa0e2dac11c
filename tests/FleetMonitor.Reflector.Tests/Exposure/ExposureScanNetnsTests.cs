using System.Net;
using FleetMonitor.Contracts;
using FleetMonitor.Probes;
using FleetMonitor.Protocols.Exposure;
using FleetMonitor.Reflector.Tests.Support;
using Xunit.Abstractions;
using static FleetMonitor.Reflector.Tests.Exposure.ExposureReflector;

namespace FleetMonitor.Reflector.Tests.Exposure;

/// <summary>
/// The exposure probe in a client namespace behind a real Linux router namespace, asking the real Reflector in an
/// internet namespace to scan back. Each case builds the router one way; the scan must report exactly that truth,
/// agree port for port with nmap (<c>-sT -sU</c> from the Reflector's namespace on the same ports), and the Reflector
/// must have sent nothing to any address but the router's WAN address that asked.
/// </summary>
public sealed class ExposureScanNetnsTests(ITestOutputHelper output) : IDisposable
{
    private readonly RouterTopology _net = RouterTopology.Create();

    public void Dispose() => _net.Dispose();

    /// <summary>(a) A home router's firewall, nothing forwarded: no port answers; TCP is filtered, UDP open|filtered.</summary>
    [Fact]
    public async Task Nothing_forwarded_behind_the_firewall_leaves_every_port_filtered()
    {
        _net.EnableWanFirewall();

        var (observation, states) = await ScanAndCompareWithNmapAsync(Expected(ExposurePortState.Filtered, ExposurePortState.OpenFiltered));

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Equal([FindingCodes.ExposureNone], observation.Findings);
        Assert.DoesNotContain(ExposurePortState.Open, states.Values);
    }

    /// <summary>(b) The firewall, with 5060/udp and 5061/tcp forwarded to a SIP server (kamailio) on another LAN host.</summary>
    [Fact]
    public async Task Forwarded_SIP_ports_are_open_and_name_the_SIP_server()
    {
        _net.EnableWanFirewall();
        _net.Forward("udp", 5060, RouterTopology.LanHostAddress);
        _net.Forward("tcp", 5061, RouterTopology.LanHostAddress);
        await using var sip = await KamailioInNamespace.StartAsync(
            _net.LanHost, new IPEndPoint(IPAddress.Parse(RouterTopology.LanHostAddress), 5061),
            $"udp:{RouterTopology.LanHostAddress}:5060", $"tcp:{RouterTopology.LanHostAddress}:5061");

        var (observation, _) = await ScanAndCompareWithNmapAsync(Expected(
            ExposurePortState.Filtered, ExposurePortState.OpenFiltered, ("5060/udp", ExposurePortState.Open), ("5061/tcp", ExposurePortState.Open)));

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal(["exposure.open.5060/udp", "exposure.open.5061/tcp"], observation.Findings.Order());
        Assert.Contains($"Server: {KamailioInNamespace.ServerHeader}", observation.Facts["evidence.5060/udp"], StringComparison.Ordinal);
        Assert.StartsWith("SIP/2.0 200 OK", observation.Facts["evidence.5060/udp"], StringComparison.Ordinal);
    }

    /// <summary>(c) No firewall, and the router's web admin listening on its WAN address: that port open, every other closed.</summary>
    [Fact]
    public async Task Web_admin_on_the_WAN_address_is_open_with_its_server_and_the_rest_closed()
    {
        await using var admin = TcpStub.WebAdmin(_net.Router, new IPEndPoint(IPAddress.Parse(RouterTopology.RouterWan), 8080));

        var (observation, _) = await ScanAndCompareWithNmapAsync(
            Expected(ExposurePortState.Closed, ExposurePortState.Closed, ("8080/tcp", ExposurePortState.Open)),
            ("forbidden", "8080,3389,22,23"));

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal(["exposure.open.8080/tcp"], observation.Findings);
        Assert.Equal($"HTTP/1.0 200 OK; Server: {TcpStub.WebAdminServer}", observation.Facts["evidence.8080/tcp"]);
    }

    /// <summary>
    /// (d) No firewall, every port forwarded to the client (the "DMZ host"), which runs a softphone's SIP stack
    /// (kamailio on 5060 udp and tcp), an SSH server and a DNS resolver (dnsmasq): exactly those are open, the client's
    /// own stack answers closed for the rest.
    /// </summary>
    [Fact]
    public async Task DMZ_exposes_exactly_the_services_of_the_client()
    {
        _net.Dmz(RouterTopology.ClientAddress);
        var client = IPAddress.Parse(RouterTopology.ClientAddress);
        await using var sip = await KamailioInNamespace.StartAsync(
            _net.Client, new IPEndPoint(client, 5060), $"udp:{RouterTopology.ClientAddress}:5060", $"tcp:{RouterTopology.ClientAddress}:5060");
        await using var ssh = TcpStub.Ssh(_net.Client, new IPEndPoint(client, 22));
        await using var dns = NetnsDaemon.Start(_net.Client, "dnsmasq", "dnsmasq-base",
            "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--no-poll", "--bind-interfaces",
            $"--listen-address={RouterTopology.ClientAddress}", "--port=53", "--user=root", "--group=root", "--pid-file=", "--log-facility=-");
        await dns.WaitUntilAsync("dnsmasq", () => NetnsDaemon.Accepts(_net.Client, new IPEndPoint(client, 53)), TimeSpan.FromSeconds(120));

        var (observation, _) = await ScanAndCompareWithNmapAsync(Expected(
            ExposurePortState.Closed, ExposurePortState.Closed,
            ("5060/udp", ExposurePortState.Open), ("5060/tcp", ExposurePortState.Open), ("22/tcp", ExposurePortState.Open), ("53/udp", ExposurePortState.Open)));

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal(["exposure.open.22/tcp", "exposure.open.5060/tcp", "exposure.open.5060/udp", "exposure.open.53/udp"], observation.Findings.Order());
        Assert.Equal(TcpStub.SshBanner, observation.Facts["evidence.22/tcp"]);
        Assert.Contains($"Server: {KamailioInNamespace.ServerHeader}", observation.Facts["evidence.5060/tcp"], StringComparison.Ordinal);
        Assert.Contains($"Server: {KamailioInNamespace.ServerHeader}", observation.Facts["evidence.5060/udp"], StringComparison.Ordinal);
        Assert.StartsWith("DNS ", observation.Facts["evidence.53/udp"], StringComparison.Ordinal);
        Assert.Contains("version.bind: dnsmasq", observation.Facts["evidence.53/udp"], StringComparison.Ordinal);
    }

    private Task<(ProbeObservation Observation, Dictionary<string, string> States)> ScanAndCompareWithNmapAsync(
        Dictionary<string, string> truth, params (string Name, string Value)[] parameters) =>
        ExposureReflector.ScanAndCompareWithNmapAsync(_net, output, truth, parameters);
}
