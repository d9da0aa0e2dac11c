using System.Net;
using System.Text.Json;
using FleetMonitor.Contracts;
using FleetMonitor.Probes;
using FleetMonitor.Reflector.Tests.Support;
using Xunit.Abstractions;

namespace FleetMonitor.Reflector.Tests.SipAlg;

/// <summary>
/// The sip-alg probe in a client namespace behind a Linux router (MASQUERADE) against the real Reflector's SIP mirror in
/// an "internet" namespace, with the router's real SIP ALG (nf_conntrack_sip + nf_nat_sip) on or off per transport: the
/// verdict must be the ground truth of the topology, and name what the kernel rewrote.
/// </summary>
/// <remarks>
/// What the kernel's ALG was seen to rewrite in the probe's INVITE, on UDP and TCP alike: the private address:port in the
/// top Via, the Contact and the From (it maps only the address and port the connection comes from), and the address in
/// the SDP's o= and c= lines; the m= port stays when the router can keep it for the media pinhole. In an OPTIONS it
/// leaves the SDP alone (it reads SDP only in INVITE, UPDATE, ACK and PRACK). On the way back it rewrites the reply's
/// Via, received included, back to the private address: without the mirror's encoded verdict the client would see
/// neither the ALG nor the NAT.
/// </remarks>
public sealed class SipAlgNetnsTests(ITestOutputHelper output) : IDisposable
{
    private const string KernelRewrites = "via,contact,from,sdp_o,sdp_c";

    /// <summary>The PBX's SIP port in the test of an ALG that watches 5060 only.</summary>
    private const int OtherPort = 5070;

    private readonly SipAlgTopology _net = SipAlgTopology.Create();

    public void Dispose() => _net.Dispose();

    [Fact]
    public async Task Kernel_ALG_on_UDP_and_TCP_rewrites_the_INVITE_and_the_verdict_names_every_field()
    {
        _net.EnableSipAlg("udp");
        _net.EnableSipAlg("tcp");
        await using var reflector = await StartMirrorAsync();

        var observation = await ProbeAsync("udp,tcp", "invite");

        var context = Describe(observation, reflector);
        Assert.True(_net.SipAlgPackets("udp") > 0, $"the UDP request did not go through the ALG rule\n{context}");
        Assert.True(_net.SipAlgPackets("tcp") > 0, $"the TCP request did not go through the ALG rule\n{context}");
        Assert.Equal(ProbeOutcome.Degraded, observation.Outcome);
        Assert.Equal(
            new[] { FindingCodes.SipAlgRewroteVia, FindingCodes.SipAlgRewroteContact, FindingCodes.SipAlgRewroteFrom, FindingCodes.SipAlgRewroteSdp, FindingCodes.SipNatDetected }.Order(),
            observation.Findings.Order());
        foreach (var transport in new[] { "udp", "tcp" })
        {
            var local = AssertBehindTheRouter(observation, transport, context);
            Assert.True(KernelRewrites == observation.Facts[$"{transport}.rewritten"],
                $"{transport}: the kernel's ALG was on; if nothing was rewritten, nf_nat_sip may be missing (modprobe nf_nat_sip)\n{context}");

            // The ALG turned the reply's received back into the private address: only the verdict tells the truth.
            Assert.Equal(SipAlgTopology.ClientAddress, observation.Facts[$"{transport}.received"]);
            Assert.Equal($"{local.Port}", observation.Facts[$"{transport}.rport"]);
            Assert.Equal("true", observation.Facts[$"{transport}.reply_via_rewritten"]);
        }
    }

    [Fact]
    public async Task Without_the_ALG_the_verdict_is_none_on_both_transports_though_the_NAT_is_seen()
    {
        await using var reflector = await StartMirrorAsync();

        var observation = await ProbeAsync("udp,tcp", "invite");

        var context = Describe(observation, reflector);
        Assert.Equal(0, _net.SipAlgPackets("udp"));
        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Equal(new[] { FindingCodes.SipAlgNone, FindingCodes.SipNatDetected }.Order(), observation.Findings.Order());
        foreach (var transport in new[] { "udp", "tcp" })
        {
            AssertBehindTheRouter(observation, transport, context);
            Assert.Equal("none", observation.Facts[$"{transport}.rewritten"]);
            Assert.Equal(SipAlgTopology.RouterWan, observation.Facts[$"{transport}.received"]);
            Assert.False(observation.Facts.ContainsKey($"{transport}.reply_via_rewritten"), context);
        }
    }

    [Fact]
    public async Task ALG_on_TCP_only_is_reported_on_TCP_only()
    {
        _net.EnableSipAlg("tcp");
        await using var reflector = await StartMirrorAsync();

        var observation = await ProbeAsync("udp,tcp", "invite");

        var context = Describe(observation, reflector);
        Assert.True(_net.SipAlgPackets("tcp") > 0, context);
        Assert.Equal(ProbeOutcome.Degraded, observation.Outcome);
        Assert.Equal(KernelRewrites, observation.Facts["tcp.rewritten"]);
        Assert.Equal("none", observation.Facts["udp.rewritten"]);
        Assert.DoesNotContain(FindingCodes.SipAlgNone, observation.Findings);
        Assert.Contains(FindingCodes.SipAlgRewroteVia, observation.Findings);
        Assert.Contains("over TCP", observation.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("over UDP", observation.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// The router's ALG watches 5060 only; the PBX (and the mirror standing in for it) is on 5070. Checked on the PBX's
    /// port alone the path looks clean, but phones on 5060 are rewritten: by default the probe checks both, and says so.
    /// </summary>
    [Fact]
    public async Task ALG_on_5060_is_found_when_the_target_is_another_port()
    {
        _net.EnableSipAlg("udp");
        _net.EnableSipAlg("tcp");
        await using var reflector = await StartMirrorAsync(OtherPort);

        var observation = await NetnsProbe.RunAsync(
            // The probe ends with the mirror's answers on both ports; the timeout is only a bound for a loaded machine.
            _net.Client, "sip-alg", $"{SipAlgTopology.MirrorAddress}:{OtherPort}", TimeSpan.FromSeconds(60),
            new Dictionary<string, string> { ["transports"] = "udp,tcp" });
        output.WriteLine(JsonSerializer.Serialize(observation, WireFormat.Options));

        var context = Describe(observation, reflector);
        Assert.Equal($"{OtherPort},{SipAlgTopology.SipPort}", observation.Facts["ports_checked"]);
        foreach (var transport in new[] { "udp", "tcp" })
        {
            Assert.True("none" == observation.Facts[$"{transport}.rewritten"], $"{transport} on {OtherPort}: the ALG does not watch it\n{context}");
            Assert.True(KernelRewrites == observation.Facts[$"{transport}.{SipAlgTopology.SipPort}.rewritten"], $"{transport} on 5060\n{context}");
            Assert.Equal($"{SipAlgTopology.RouterWan}:{IPEndPoint.Parse(observation.Facts[$"{transport}.{SipAlgTopology.SipPort}.local_address"]).Port}",
                observation.Facts[$"{transport}.{SipAlgTopology.SipPort}.source"]);
        }

        Assert.Equal(ProbeOutcome.Degraded, observation.Outcome);
        Assert.DoesNotContain(FindingCodes.SipAlgNone, observation.Findings);
        Assert.Contains(FindingCodes.SipAlgRewroteVia, observation.Findings);
        Assert.Contains("over UDP to port 5060", observation.Error, StringComparison.Ordinal);
        Assert.DoesNotContain($"to port {OtherPort}", observation.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kernel_ALG_leaves_the_SDP_of_an_OPTIONS_alone()
    {
        _net.EnableSipAlg("udp");
        await using var reflector = await StartMirrorAsync();

        var observation = await ProbeAsync("udp", "options");

        var context = Describe(observation, reflector);
        Assert.True(_net.SipAlgPackets("udp") > 0, context);
        Assert.Equal("via,contact,from", observation.Facts["udp.rewritten"]);
        Assert.Equal("200", observation.Facts["udp.sip_status"]);
        Assert.DoesNotContain(FindingCodes.SipAlgRewroteSdp, observation.Findings);
        Assert.Equal(ProbeOutcome.Degraded, observation.Outcome);
    }

    [Fact]
    public async Task Without_a_mirror_both_transports_are_unreachable()
    {
        var observation = await ProbeAsync("udp,tcp", "invite");

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.SipAlgMirrorUnreachable], observation.Findings);
        Assert.Contains("ConnectionRefused", observation.Error, StringComparison.Ordinal);
        Assert.Contains(FindingCodes.TcpRefused, observation.Error, StringComparison.Ordinal);
    }

    /// <summary>Asserts the probe sent from the client's private address and the mirror saw the router's, port kept (MASQUERADE, one client).</summary>
    private static IPEndPoint AssertBehindTheRouter(ProbeObservation observation, string transport, string context)
    {
        Assert.True(observation.Facts.ContainsKey($"{transport}.source"), $"{transport}: no verdict\n{context}");
        var local = IPEndPoint.Parse(observation.Facts[$"{transport}.local_address"]);
        Assert.Equal(IPAddress.Parse(SipAlgTopology.ClientAddress), local.Address);
        Assert.Equal($"{SipAlgTopology.RouterWan}:{local.Port}", observation.Facts[$"{transport}.source"]);
        return local;
    }

    /// <summary>
    /// The real Reflector in the internet namespace, its SIP mirror on the address alone (port 5060 by default) and on
    /// <paramref name="alsoOn"/>, once it listens on both transports.
    /// </summary>
    private async Task<ReflectorProcess> StartMirrorAsync(int? alsoOn = null)
    {
        var reflector = await ReflectorProcess.StartAsync(
            _net.Internet, $"{SipAlgTopology.MirrorAddress}:7000",
            [
                $"--Reflector:SipMirror:Endpoints:0={SipAlgTopology.MirrorAddress}",
                .. alsoOn is { } port ? new[] { $"--Reflector:SipMirror:Endpoints:1={SipAlgTopology.MirrorAddress}:{port}" } : [],
            ]);
        var listening = $"SIP mirror listening on tcp {SipAlgTopology.MirrorAddress}:{alsoOn ?? SipAlgTopology.SipPort}";

        // The echo reports first; the mirror binds right after it, in the same start. Bounded for a busy machine.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!reflector.Output.Contains(listening, StringComparison.Ordinal) && waited.Elapsed < TimeSpan.FromSeconds(120))
            await Task.Delay(100);
        if (!reflector.Output.Contains(listening, StringComparison.Ordinal))
        {
            var log = reflector.Output;
            await reflector.DisposeAsync();
            Assert.Fail($"the Reflector's SIP mirror did not report '{listening}':\n{log}");
        }

        return reflector;
    }

    private async Task<ProbeObservation> ProbeAsync(string transports, string method)
    {
        var observation = await NetnsProbe.RunAsync(
            // The probe ends with the mirror's answers; the timeout is only a bound, wide for a loaded machine.
            _net.Client, "sip-alg", SipAlgTopology.MirrorAddress, TimeSpan.FromSeconds(60),
            new Dictionary<string, string> { ["transports"] = transports, ["method"] = method });
        output.WriteLine(JsonSerializer.Serialize(observation, WireFormat.Options));
        return observation;
    }

    private static string Describe(ProbeObservation observation, ReflectorProcess reflector) =>
        $"observation: {JsonSerializer.Serialize(observation, WireFormat.Options)}\nreflector:\n{reflector.Output}";
}
