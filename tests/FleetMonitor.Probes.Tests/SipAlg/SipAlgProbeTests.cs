using System.Net;
using System.Net.Sockets;
using FleetMonitor.Contracts;
using FleetMonitor.Probes.SipAlg;
using FleetMonitor.Probes.Tests.Sip;
using FleetMonitor.Probes.Tests.Support;
using FleetMonitor.Protocols.SipAlg;
using Microsoft.Extensions.Time.Testing;

namespace FleetMonitor.Probes.Tests.SipAlg;

/// <summary>
/// The sip-alg probe against the test's own fake mirrors on loopback, for the verdicts no real path gives here; the
/// Reflector's tests run it against the real mirror, and behind Linux's real SIP ALG.
/// </summary>
public sealed class SipAlgProbeTests
{
    private readonly SipAlgProbe _probe = new();

    [Fact]
    public async Task Rewrites_in_the_verdict_become_findings_and_the_decline_is_ACKed()
    {
        var requests = new List<string>();
        await using var mirror = new FakeUdpSipPeer((n, request) =>
        {
            lock (requests)
                requests.Add(request);
            return n == 1 ? [Verdict(request, 603, "Decline", "via,contact,sdp_c", "203.0.113.1:40000")] : [];
        });

        var observation = await ProbeAsync(mirror.Port, "udp");

        Assert.Equal(ProbeOutcome.Degraded, observation.Outcome);
        Assert.Equal(
            new[] { FindingCodes.SipAlgRewroteVia, FindingCodes.SipAlgRewroteContact, FindingCodes.SipAlgRewroteSdp, FindingCodes.SipNatDetected }.Order(),
            observation.Findings.Order());
        Assert.Equal("via,contact,sdp_c", observation.Facts["udp.rewritten"]);
        Assert.Equal("203.0.113.1:40000", observation.Facts["udp.source"]);
        Assert.Equal("603", observation.Facts["udp.sip_status"]);
        Assert.Contains("SIP ALG", observation.Error, StringComparison.Ordinal);
        // On a busy machine the verdict can come after the INVITE's first retransmission: any requests before the ACK
        // are that INVITE again, and the ACK comes last.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!HasAck() && waited.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(10);
        lock (requests)
        {
            var ack = requests.FindIndex(r => r.StartsWith("ACK ", StringComparison.Ordinal));
            Assert.True(ack > 0, $"no ACK after the INVITE in: {string.Join(" | ", requests.Select(r => r.Split('\r')[0]))}");
            Assert.All(requests.Take(ack), r => Assert.StartsWith("INVITE ", r, StringComparison.Ordinal));
        }

        bool HasAck()
        {
            lock (requests)
                return requests.Exists(r => r.StartsWith("ACK ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task No_rewrite_and_no_NAT_is_ok_with_sip_alg_none()
    {
        await using var mirror = new FakeUdpSipPeer((n, request) =>
            n == 1 ? [Verdict(request, 200, "OK", "none", SentBy(request))] : []);
        // On a fake clock no retransmission timer fires, so "one request, no retransmission" holds however long a busy
        // machine takes to read the verdict.
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());

        var observation = await ProbeAsync(mirror.Port, "udp", "options", new SipAlgProbe(clock)).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Equal([FindingCodes.SipAlgNone], observation.Findings);
        Assert.Equal("none", observation.Facts["udp.rewritten"]);
        Assert.Equal("options", observation.Facts["method"]);
        Assert.Equal(0, observation.Measurements["udp.retransmissions"]);
        Assert.Equal(1, mirror.Received);
    }

    [Fact]
    public async Task A_SIP_server_that_is_not_a_mirror_gives_no_verdict()
    {
        await using var server = new FakeUdpSipPeer((_, request) => [FakeSipResponses.Build(request, 200, "OK")]);

        var observation = await ProbeAsync(server.Port, "udp", "options");

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.SipAlgNoVerdict], observation.Findings);
        Assert.Contains("X-FleetMonitor-Alg", observation.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_listening_is_mirror_unreachable_on_both_transports()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        var observation = await _probe.RunAsync(new ProbeRequest { Target = $"127.0.0.1:{port}", Timeout = TimeSpan.FromSeconds(30) }, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.SipAlgMirrorUnreachable], observation.Findings);
        Assert.Equal("udp,tcp", observation.Facts["transports"]);
        Assert.Contains("UDP", observation.Error, StringComparison.Ordinal);
        Assert.Contains(FindingCodes.TcpRefused, observation.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task INVITE_is_retransmitted_on_timer_A_doubling_past_T2()
    {
        var timeout = TimeSpan.FromSeconds(30);
        // Timer A's; not the probe's deadline.
        var clock = new TimerRecordingTimeProvider(due => due < timeout);
        var probe = new SipAlgProbe(clock);
        await using var mirror = new FakeUdpSipPeer((_, _) => []);
        var request = new ProbeRequest
        {
            Target = $"127.0.0.1:{mirror.Port}",
            Timeout = timeout,
            Parameters = new Dictionary<string, string> { ["transports"] = "udp", ["ports"] = $"{mirror.Port}" },
        };

        var run = probe.RunAsync(request, CancellationToken.None);
        var expected = 1;
        foreach (var interval in new[] { 500, 1000, 2000, 4000, 8000 })
        {
            // After each transmission the probe arms timer A for the interval; nothing is sent before it fires.
            Assert.Equal(TimeSpan.FromMilliseconds(interval), await clock.NextTimerAsync());
            await ArrivedAsync(mirror, expected);
            clock.Advance(TimeSpan.FromMilliseconds(interval - 1));
            Assert.True(mirror.Received == expected, $"retransmitted before {interval} ms");
            clock.Advance(TimeSpan.FromMilliseconds(1));
            await ArrivedAsync(mirror, ++expected);
        }

        clock.Advance(request.Timeout);
        var observation = await run;

        Assert.Equal([FindingCodes.SipAlgTimeout], observation.Findings);
        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
    }

    [Theory]
    [InlineData("transports", "tls")]
    [InlineData("transports", "udp,udp")]
    [InlineData("transports", "")]
    [InlineData("method", "register")]
    public async Task Invalid_parameters_are_errors(string name, string value)
    {
        var observation = await _probe.RunAsync(
            new ProbeRequest { Target = "127.0.0.1", Parameters = new Dictionary<string, string> { [name] = value } }, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Error, observation.Outcome);
        Assert.Equal([FindingCodes.InvalidParameter], observation.Findings);
    }

    [Fact]
    public async Task Invalid_target_is_an_error()
    {
        var observation = await _probe.RunAsync(new ProbeRequest { Target = "sip:nope" }, CancellationToken.None);

        Assert.Equal([FindingCodes.InvalidTarget], observation.Findings);
    }

    [Fact]
    public void Transports_default_to_udp_then_tcp_and_keep_the_order_given()
    {
        Assert.Equal([Protocols.Sip.SipTransport.Udp, Protocols.Sip.SipTransport.Tcp], SipAlgProbe.ParseTransports(null));
        Assert.Equal([Protocols.Sip.SipTransport.Tcp, Protocols.Sip.SipTransport.Udp], SipAlgProbe.ParseTransports(" TCP , udp"));
    }

    [Fact]
    public void Ports_are_the_targets_then_5060_by_default_without_repeats()
    {
        Assert.Equal([5070, 5060], SipAlgProbe.ParsePorts(null, 5070));
        Assert.Equal([5060], SipAlgProbe.ParsePorts(null, 5060));
        Assert.Equal([5070, 5080, 5060], SipAlgProbe.ParsePorts("5080, 5060,5070", 5070));
        Assert.Null(SipAlgProbe.ParsePorts("5060,x", 5070));
        Assert.Null(SipAlgProbe.ParsePorts("0", 5070));
    }

    private Task<ProbeObservation> ProbeAsync(int port, string transports, string method = "invite", SipAlgProbe? probe = null) =>
        (probe ?? _probe).RunAsync(new ProbeRequest
        {
            Target = $"127.0.0.1:{port}",
            // The fake mirrors answer at once; a generous budget only matters on a busy machine.
            Timeout = TimeSpan.FromSeconds(30),
            Parameters = new Dictionary<string, string> { ["transports"] = transports, ["method"] = method, ["ports"] = $"{port}" },
        }, CancellationToken.None);

    private static byte[] Verdict(string request, int status, string reason, string rewritten, string source) =>
        FakeSipResponses.Build(request, status, reason,
            extraHeaders: $"{SipAlgVerdict.HeaderName}: {new SipAlgVerdict(rewritten == "none" ? [] : rewritten.Split(','), IPEndPoint.Parse(source)).Format()}\r\n");

    // The address and port the probe wrote in its Via: what a mirror on the same host sees.
    private static string SentBy(string request)
    {
        var via = request.Split("\r\n").First(l => l.StartsWith("Via:", StringComparison.Ordinal));
        return via.Split(' ')[2].Split(';')[0];
    }

    private static async Task ArrivedAsync(FakeUdpSipPeer peer, int count)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (peer.Received < count && waited.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(10);
        Assert.True(peer.Received >= count, $"{count} datagrams should have arrived, {peer.Received} did");
    }
}
