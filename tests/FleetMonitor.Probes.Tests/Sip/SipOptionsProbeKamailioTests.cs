using System.Text.RegularExpressions;
using FleetMonitor.Contracts;
using FleetMonitor.Probes.Sip;
using FleetMonitor.Probes.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace FleetMonitor.Probes.Tests.Sip;

/// <summary>The sip probe against a real kamailio on loopback, and sipsak as an independent client to agree with.</summary>
public sealed partial class SipOptionsProbeKamailioTests(KamailioPeer kamailio) : IClassFixture<KamailioPeer>
{
    // sipsak ends as soon as it has its answer: the bound is only for a sipsak that hangs.
    private static readonly TimeSpan SipsakTimeout = TimeSpan.FromSeconds(60);

    private readonly SipOptionsProbe _probe = new();

    [Fact]
    public async Task Options_over_UDP_is_ok_with_the_servers_facts()
    {
        // On a fake clock timer E never fires, so "no retransmission" holds however long a busy machine takes to
        // schedule kamailio's answer; the answer itself is real.
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var observation = await new SipOptionsProbe(clock).RunAsync(
            new ProbeRequest { Target = $"127.0.0.1:{kamailio.Port}", Parameters = new Dictionary<string, string> { ["transport"] = "udp" }, Timeout = TimeSpan.FromSeconds(3) },
            CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.True(observation.Outcome == ProbeOutcome.Ok, $"{observation.Error}\n{kamailio.Log}");
        Assert.Empty(observation.Findings);
        Assert.Equal("udp", observation.Facts["transport"]);
        Assert.Equal("200", observation.Facts["sip_status"]);
        Assert.Equal("OK", observation.Facts["sip_reason"]);
        Assert.Equal("FleetMonitor test kamailio", observation.Facts["server"]);
        Assert.Equal("OPTIONS", observation.Facts["allow"]);
        Assert.Equal($"127.0.0.1:{kamailio.Port}", observation.Facts["remote_address"]);

        // RFC 3581 on loopback: the server saw exactly the address and port the probe sent from, so no NAT.
        var local = observation.Facts["local_address"];
        Assert.Equal("127.0.0.1", observation.Facts["received"]);
        Assert.Equal(local.Split(':')[1], observation.Facts["rport"]);
        Assert.Equal(0, observation.Measurements["retransmissions"]);
        Assert.True(observation.Measurements["rtt_ms"] >= 0);
        Assert.False(observation.Measurements.ContainsKey("dns_ms"), "an address literal needs no lookup");
    }

    [Fact]
    public async Task Options_over_TCP_is_ok()
    {
        var observation = await ProbeAsync(kamailio.Port, "tcp");

        Assert.True(observation.Outcome == ProbeOutcome.Ok, $"{observation.Error}\n{kamailio.Log}");
        Assert.Empty(observation.Findings);
        Assert.Equal("tcp", observation.Facts["transport"]);
        Assert.Equal("200", observation.Facts["sip_status"]);
        Assert.Equal("127.0.0.1", observation.Facts["received"]);
        Assert.Equal(observation.Facts["local_address"].Split(':')[1], observation.Facts["rport"]);
        Assert.True(observation.Measurements["connect_ms"] >= 0);
        Assert.Equal(0, observation.Measurements["retransmissions"]);
    }

    [Fact]
    public async Task Options_over_TLS_with_the_private_CA_is_ok_with_tls_facts()
    {
        var observation = await ProbeAsync(kamailio.TlsPort, "tls", new() { ["ca_file"] = kamailio.Certificates.CaPemPath });

        Assert.True(observation.Outcome == ProbeOutcome.Ok, $"{observation.Error}\n{kamailio.Log}");
        Assert.Empty(observation.Findings);
        Assert.Equal("tls", observation.Facts["transport"]);
        Assert.Equal("200", observation.Facts["sip_status"]);
        Assert.Matches("^TLSv1\\.[23]$", observation.Facts["tls_protocol"]);
        Assert.Equal("CN=localhost", observation.Facts["tls_certificate_subject"]);
        Assert.True(observation.Measurements["tls_handshake_ms"] >= 0);
        Assert.InRange(observation.Measurements["tls_days_to_expiry"], 89, 90);
    }

    [Fact]
    public async Task Options_over_TLS_without_the_private_CA_fails_as_untrusted()
    {
        var observation = await ProbeAsync(kamailio.TlsPort, "tls");

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.TlsChainUntrusted], observation.Findings);
        Assert.False(observation.Facts.ContainsKey("sip_status"), "no request goes to a server the phone would refuse");
    }

    [Fact]
    public async Task Server_answering_503_fails_with_5xx_findings()
    {
        var observation = await ProbeAsync(kamailio.BusyPort, "udp");

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.SipStatus5xx, "sip.status.503"], observation.Findings);
        Assert.Equal("503", observation.Facts["sip_status"]);
        Assert.Contains("503 Service Unavailable", observation.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("udp", false)]
    [InlineData("tcp", false)]
    [InlineData("udp", true)]
    public async Task Status_equals_what_sipsak_gets(string transport, bool busy)
    {
        var sipsak = PeerProcess.Require("sipsak", "sipsak");
        var port = busy ? kamailio.BusyPort : kamailio.Port;
        string[] arguments = transport == "tcp"
            ? ["-vv", "-E", "tcp", "-s", $"sip:127.0.0.1:{port}"]
            : ["-vv", "-s", $"sip:127.0.0.1:{port}"];

        var (_, output) = await PeerProcess.RunAsync(sipsak, arguments, SipsakTimeout);
        var observation = await ProbeAsync(port, transport);

        var statuses = StatusLine().Matches(output);
        Assert.True(statuses.Count > 0, $"sipsak got no response:\n{output}");
        var expected = statuses[^1].Groups[1].Value;
        Assert.Equal(busy ? "503" : "200", expected);
        Assert.Equal(expected, observation.Facts["sip_status"]);
    }

    private Task<ProbeObservation> ProbeAsync(int port, string transport, Dictionary<string, string>? parameters = null)
    {
        parameters ??= [];
        parameters["transport"] = transport;
        return _probe.RunAsync(
            // kamailio answers at once; a generous budget only matters on a busy machine, where 3 s ran short.
            new ProbeRequest { Target = $"127.0.0.1:{port}", Parameters = parameters, Timeout = TimeSpan.FromSeconds(30) },
            CancellationToken.None);
    }

    [GeneratedRegex(@"(?m)^\s*SIP/2\.0 (\d{3}) ")]
    private static partial Regex StatusLine();
}
