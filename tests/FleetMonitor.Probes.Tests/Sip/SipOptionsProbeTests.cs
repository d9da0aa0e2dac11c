using System.Diagnostics;
using System.Text;
using FleetMonitor.Contracts;
using FleetMonitor.Probes.Sip;
using FleetMonitor.Probes.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace FleetMonitor.Probes.Tests.Sip;

/// <summary>The sip probe against the test's own peers on loopback, misbehaving in the ways kamailio does not.</summary>
public sealed class SipOptionsProbeTests
{
    private readonly SipOptionsProbe _probe = new();

    [Fact]
    public async Task First_request_lost_is_ok_after_a_retransmission_on_timer_T1()
    {
        await using var peer = new FakeUdpSipPeer((n, request) => n == 1 ? [] : [FakeSipResponses.Build(request, 200, "OK")]);
        // Timer E on a fake clock: a busy machine must not turn the one retransmission into two (or into a timeout).
        var timeout = TimeSpan.FromSeconds(20);
        var clock = new TimerRecordingTimeProvider(due => due < timeout);
        var run = new SipOptionsProbe(clock).RunAsync(new ProbeRequest { Target = $"127.0.0.1:{peer.Port}", Timeout = timeout }, CancellationToken.None);
        Assert.Equal(SipOptionsProbe.T1, await clock.NextTimerAsync());
        await ArrivedAsync(peer, 1);
        clock.Advance(SipOptionsProbe.T1);

        var observation = await run.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Empty(observation.Findings);
        Assert.True(observation.Measurements["retransmissions"] >= 1);
        Assert.True(observation.Measurements["rtt_ms"] >= SipOptionsProbe.T1.TotalMilliseconds * 0.9, "the answer came after the first retransmission");
        Assert.Equal(2, peer.Received);
    }

    [Fact]
    public async Task Retransmissions_follow_timer_E_from_500_ms_doubling_up_to_4_s()
    {
        var timeout = TimeSpan.FromSeconds(20);
        // Timer E's; not the probe's deadline (20 s) or timer F (32 s).
        var clock = new TimerRecordingTimeProvider(due => due < timeout);
        var probe = new SipOptionsProbe(clock);
        await using var peer = new FakeUdpSipPeer((_, _) => []);
        var request = new ProbeRequest { Target = $"127.0.0.1:{peer.Port}", Timeout = timeout };

        var run = probe.RunAsync(request, CancellationToken.None);
        var expected = 1;
        foreach (var interval in new[] { 500, 1000, 2000, 4000, 4000 })
        {
            // After each transmission the probe arms timer E for the interval; nothing is sent before it fires.
            Assert.Equal(TimeSpan.FromMilliseconds(interval), await clock.NextTimerAsync());
            await ArrivedAsync(peer, expected);
            clock.Advance(TimeSpan.FromMilliseconds(interval - 1));
            Assert.True(peer.Received == expected, $"retransmitted before {interval} ms");
            clock.Advance(TimeSpan.FromMilliseconds(1));
            await ArrivedAsync(peer, ++expected);
        }

        clock.Advance(request.Timeout);
        var observation = await run;

        Assert.Equal([FindingCodes.SipTimeout], observation.Findings);
        Assert.True(observation.Measurements["retransmissions"] >= 5);
    }

    [Fact]
    public async Task Server_that_never_answers_times_out_after_retransmitting()
    {
        await using var peer = new FakeUdpSipPeer((_, _) => []);
        // Timer E: sent at 0, 0.5 s and 1.5 s (the interval doubles), then the 1.7 s deadline; on a fake clock, so that a
        // busy machine cannot run the deadline before a retransmission is due.
        var timeout = TimeSpan.FromMilliseconds(1700);
        var clock = new TimerRecordingTimeProvider(due => due.TotalMilliseconds is 500 or 1000 or 2000);
        var run = new SipOptionsProbe(clock).RunAsync(new ProbeRequest { Target = $"127.0.0.1:{peer.Port}", Timeout = timeout }, CancellationToken.None);
        var expected = 1;
        foreach (var interval in new[] { 500, 1000 })
        {
            Assert.Equal(TimeSpan.FromMilliseconds(interval), await clock.NextTimerAsync());
            await ArrivedAsync(peer, expected++);
            clock.Advance(TimeSpan.FromMilliseconds(interval));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(2000), await clock.NextTimerAsync());
        await ArrivedAsync(peer, expected);
        clock.Advance(TimeSpan.FromMilliseconds(200));
        var observation = await run.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.SipTimeout], observation.Findings);
        Assert.False(observation.Facts.ContainsKey("sip_status"));
        Assert.Equal(2, observation.Measurements["retransmissions"]);
        Assert.Contains("transmissions", observation.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_reply_is_a_malformed_response_not_an_exception()
    {
        await using var peer = new FakeUdpSipPeer((_, _) => [Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\n\r\n")]);

        var observation = await ProbeAsync(peer.Port, "udp");

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.SipMalformedResponse], observation.Findings);
        Assert.Contains("SIP/2.0 status line", observation.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Response_missing_its_CSeq_is_malformed()
    {
        await using var peer = new FakeUdpSipPeer((_, request) =>
        [
            Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(FakeSipResponses.Build(request, 200, "OK")).Replace("CSeq:", "X-CSeq:", StringComparison.Ordinal)),
        ]);

        var observation = await ProbeAsync(peer.Port, "udp");

        Assert.Equal([FindingCodes.SipMalformedResponse], observation.Findings);
    }

    [Fact]
    public async Task Stray_response_of_another_transaction_is_ignored()
    {
        await using var peer = new FakeUdpSipPeer((_, request) =>
        [
            FakeSipResponses.Build(request, 486, "Busy Here", via => via.Replace("branch=z9hG4bK", "branch=z9hG4bKstale", StringComparison.Ordinal)),
            FakeSipResponses.Build(request, 200, "OK"),
        ]);

        var observation = await ProbeAsync(peer.Port, "udp");

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Equal("200", observation.Facts["sip_status"]);
    }

    [Fact]
    public async Task Provisional_response_is_noted_and_the_final_one_counts()
    {
        await using var peer = new FakeUdpSipPeer((_, request) =>
            [FakeSipResponses.Build(request, 100, "Trying"), FakeSipResponses.Build(request, 200, "OK")]);

        var observation = await ProbeAsync(peer.Port, "udp");

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Equal("100", observation.Facts["sip_provisional"]);
        Assert.Equal("200", observation.Facts["sip_status"]);
    }

    [Theory]
    [InlineData(404, "Not Found", FindingCodes.SipStatus4xx)]
    [InlineData(302, "Moved Temporarily", FindingCodes.SipStatusUnexpected)]
    [InlineData(603, "Decline", FindingCodes.SipStatusUnexpected)]
    public async Task Other_final_status_fails_with_its_class_and_code(int status, string reason, string classFinding)
    {
        await using var peer = new FakeUdpSipPeer((_, request) => [FakeSipResponses.Build(request, status, reason)]);

        var observation = await ProbeAsync(peer.Port, "udp");

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([classFinding, $"sip.status.{status}"], observation.Findings);
        Assert.Equal(reason, observation.Facts["sip_reason"]);
    }

    [Fact]
    public async Task Received_address_other_than_the_probes_is_NAT_and_informational()
    {
        await using var peer = new FakeUdpSipPeer((_, request) =>
        [
            FakeSipResponses.Build(request, 200, "OK", via => via.Replace(";rport", ";rport=40123;received=203.0.113.7", StringComparison.Ordinal),
                "User-Agent: FleetMonitor fake UA\r\nAllow: INVITE, OPTIONS\r\n"),
        ]);

        var observation = await ProbeAsync(peer.Port, "udp");

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Equal([FindingCodes.SipNatDetected], observation.Findings);
        Assert.Null(observation.Error);
        Assert.Equal("203.0.113.7", observation.Facts["received"]);
        Assert.Equal("40123", observation.Facts["rport"]);
        Assert.Equal("FleetMonitor fake UA", observation.Facts["user_agent"]);
        Assert.Equal("INVITE, OPTIONS", observation.Facts["allow"]);
    }

    [Fact]
    public async Task Closed_UDP_port_is_unreachable_from_the_ICMP_error()
    {
        var port = LoopbackPorts.FreeUdp();

        var observation = await ProbeAsync(port, "udp");

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.SipUnreachable], observation.Findings);
    }

    [Fact]
    public async Task TCP_response_split_across_reads_after_keep_alives_is_ok()
    {
        await using var peer = new FakeTcpSipPeer(request =>
        {
            var response = FakeSipResponses.Build(request, 200, "OK");
            return ["\r\n\r\n"u8.ToArray(), response[..10], response[10..40], response[40..]];
        });

        var observation = await ProbeAsync(peer.Port, "tcp");

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Equal("200", observation.Facts["sip_status"]);
        Assert.Equal("FleetMonitor fake peer", observation.Facts["server"]);
    }

    [Fact]
    public async Task TCP_garbage_is_a_malformed_response()
    {
        await using var peer = new FakeTcpSipPeer(_ => [Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH_9.2\r\n")]);

        var observation = await ProbeAsync(peer.Port, "tcp");

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.SipMalformedResponse], observation.Findings);
    }

    [Fact]
    public async Task TCP_response_cut_short_by_the_server_closing_is_malformed()
    {
        await using var peer = new FakeTcpSipPeer(request => [FakeSipResponses.Build(request, 200, "OK")[..30]]);

        var observation = await ProbeAsync(peer.Port, "tcp");

        Assert.Equal([FindingCodes.SipMalformedResponse], observation.Findings);
    }

    [Fact]
    public async Task TCP_server_closing_without_a_response_is_reported()
    {
        await using var peer = new FakeTcpSipPeer(_ => []);

        var observation = await ProbeAsync(peer.Port, "tcp");

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.SipConnectionClosed], observation.Findings);
    }

    [Fact]
    public async Task TCP_server_that_never_answers_times_out()
    {
        await using var server = new SilentTcpServer();

        // The deadline passes on a fake clock once the request has reached the server: a real budget also had to cover
        // a connect that a busy machine can delay past it.
        var observation = await PastTheDeadlineAsync(server, "tcp");

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.SipTimeout], observation.Findings);
        Assert.True(observation.Measurements["connect_ms"] >= 0);
    }

    [Fact]
    public async Task Closed_TCP_port_is_refused_with_the_tcp_probes_code()
    {
        var observation = await ProbeAsync(LoopbackPorts.Closed(), "tcp");

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.TcpRefused], observation.Findings);
    }

    [Fact]
    public async Task TLS_server_that_never_answers_fails_the_handshake_with_the_tcp_probes_codes()
    {
        await using var server = new SilentTcpServer();

        // The deadline passes on a fake clock once the ClientHello has reached the server (see above).
        var observation = await PastTheDeadlineAsync(server, "tls");

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.TlsHandshakeFailed, FindingCodes.TlsTimeout], observation.Findings);
    }

    [Fact]
    public async Task Host_name_is_resolved_and_timed()
    {
        await using var peer = new FakeUdpSipPeer((_, request) => [FakeSipResponses.Build(request, 200, "OK")]);

        var observation = await _probe.RunAsync(
            new ProbeRequest { Target = $"localhost:{peer.Port}", Timeout = TimeSpan.FromSeconds(3) }, CancellationToken.None);

        // localhost may resolve to ::1 first, where the fake peer does not listen: then the ICMP error says so.
        Assert.True(observation.Measurements["dns_ms"] >= 0);
        Assert.Contains(observation.Facts["remote_address"], new[] { $"127.0.0.1:{peer.Port}", $"[::1]:{peer.Port}" });
    }

    [Theory]
    [InlineData("127.0.0.1:5060", "transport=sctp")]
    [InlineData("127.0.0.1:5060", "transport=tls;ca_file=/nonexistent/fleetmonitor-ca.pem")]
    [InlineData("127.0.0.1:5060", "transport=tls;sni=not a name")]
    [InlineData("127.0.0.1:5060", "transport=tls;min_days=soon")]
    public async Task Unusable_parameter_is_an_error_of_the_probe(string target, string parameters)
    {
        var request = new ProbeRequest
        {
            Target = target,
            Parameters = parameters.Split(';').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]),
        };

        var observation = await _probe.RunAsync(request, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Error, observation.Outcome);
        Assert.Equal([FindingCodes.InvalidParameter], observation.Findings);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sip:127.0.0.1")]
    [InlineData("::1")]
    [InlineData("127.0.0.1:0")]
    public async Task Malformed_target_is_an_error_of_the_probe(string target)
    {
        var observation = await _probe.RunAsync(new ProbeRequest { Target = target }, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Error, observation.Outcome);
        Assert.Equal([FindingCodes.InvalidTarget], observation.Findings);
    }

    [Fact]
    public async Task Caller_cancelling_stops_the_probe_with_an_exception_not_an_outcome()
    {
        await using var peer = new FakeUdpSipPeer((_, _) => []);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _probe.RunAsync(new ProbeRequest { Target = $"127.0.0.1:{peer.Port}", Timeout = TimeSpan.FromSeconds(30) }, cancel.Token));
    }

    [Fact]
    public void Default_catalog_has_the_sip_probe()
    {
        Assert.True(ProbeCatalog.CreateDefault().TryGet("sip", out var probe));
        Assert.IsType<SipOptionsProbe>(probe);
    }

    private static async Task ArrivedAsync(FakeUdpSipPeer peer, int count)
    {
        var waited = Stopwatch.StartNew();
        while (peer.Received < count)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), $"datagram {count} never arrived");
            await Task.Delay(10);
        }
    }

    private Task<ProbeObservation> ProbeAsync(int port, string transport) =>
        _probe.RunAsync(
            new ProbeRequest
            {
                Target = $"127.0.0.1:{port}",
                Parameters = new Dictionary<string, string> { ["transport"] = transport },
                // Generous: every peer here answers at once, so the budget only matters on a busy machine, where it must
                // not run out before the answer is read.
                Timeout = TimeSpan.FromSeconds(30),
            },
            CancellationToken.None);

    private static Task<ProbeObservation> PastTheDeadlineAsync(SilentTcpServer server, string transport)
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        return server.RunPastTheDeadlineAsync(new SipOptionsProbe(clock), clock, new ProbeRequest
        {
            Target = $"127.0.0.1:{server.Port}",
            Parameters = new Dictionary<string, string> { ["transport"] = transport },
            Timeout = TimeSpan.FromSeconds(5),
        });
    }
}
