using System.Net;
using FleetMonitor.Contracts;
using FleetMonitor.Probes.Tcp;
using FleetMonitor.Probes.Tests.Support;

namespace FleetMonitor.Probes.Tests.Tls;

/// <summary>The certificate verdicts, seen through the tcp probe's TLS handshake against real TLS servers on loopback.</summary>
public sealed class TlsInspectorTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    private readonly TcpConnectProbe _probe = new();

    [Fact]
    public async Task Valid_certificate_from_the_ca_file_is_ok_with_tls_facts()
    {
        await using var server = new TlsTestServer(certificates.Valid);

        var observation = await ProbeAsync(server, withCaFile: true);

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Empty(observation.Findings);
        Assert.Matches("^TLSv1\\.[23]$", observation.Facts["tls_protocol"]);
        Assert.StartsWith("TLS_", observation.Facts["tls_cipher"], StringComparison.Ordinal);
        Assert.Equal("CN=localhost", observation.Facts["tls_certificate_subject"]);
        Assert.Equal("CN=FleetMonitor Test PBX CA", observation.Facts["tls_certificate_issuer"]);
        Assert.Equal("localhost", observation.Facts["tls_server_name"]);
        Assert.InRange(observation.Measurements["tls_days_to_expiry"], 89, 90);
        Assert.True(observation.Measurements["tls_handshake_ms"] >= 0);
        Assert.True(observation.Measurements["connect_ms"] >= 0);
    }

    [Fact]
    public async Task Address_target_without_sni_is_checked_against_the_address()
    {
        await using var server = new TlsTestServer(certificates.Valid);
        var request = new ProbeRequest
        {
            Target = $"127.0.0.1:{server.Port}",
            Parameters = new Dictionary<string, string> { ["tls"] = "true", ["ca_file"] = certificates.CaPemPath },
        };

        var observation = await _probe.RunAsync(request, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Equal("127.0.0.1", observation.Facts["tls_server_name"]);
    }

    [Fact]
    public async Task Expired_certificate_fails_with_certificate_expired()
    {
        await using var server = new TlsTestServer(certificates.Expired);

        var observation = await ProbeAsync(server, withCaFile: true);

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.TlsCertificateExpired], observation.Findings);
        Assert.Contains("expired", observation.Error, StringComparison.Ordinal);
        Assert.True(observation.Measurements["tls_days_to_expiry"] < 0);
        Assert.Equal("CN=localhost", observation.Facts["tls_certificate_subject"]);
    }

    [Fact]
    public async Task Certificate_for_another_name_fails_with_name_mismatch()
    {
        await using var server = new TlsTestServer(certificates.WrongHost);

        var observation = await ProbeAsync(server, withCaFile: true);

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.TlsNameMismatch], observation.Findings);
        Assert.Equal("CN=pbx.wrong-name.test", observation.Facts["tls_certificate_subject"]);
    }

    [Fact]
    public async Task Private_ca_without_ca_file_fails_with_chain_untrusted()
    {
        await using var server = new TlsTestServer(certificates.Valid);

        var observation = await ProbeAsync(server, withCaFile: false);

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.TlsChainUntrusted], observation.Findings);
        Assert.NotEmpty(observation.Facts["tls_chain_status"]);
    }

    [Fact]
    public async Task Certificate_expiring_within_min_days_is_degraded()
    {
        await using var server = new TlsTestServer(certificates.Expiring);

        var observation = await ProbeAsync(server, withCaFile: true);

        Assert.Equal(ProbeOutcome.Degraded, observation.Outcome);
        Assert.Equal([FindingCodes.TlsCertificateExpiring], observation.Findings);
        Assert.InRange(observation.Measurements["tls_days_to_expiry"], 4, 5);
        Assert.Contains("tls_protocol", observation.Facts.Keys);
    }

    [Fact]
    public async Task Min_days_parameter_sets_the_warning_threshold()
    {
        await using var server = new TlsTestServer(certificates.Expiring);

        var observation = await ProbeAsync(server, withCaFile: true, ("min_days", "3"));

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Empty(observation.Findings);
    }

    [Fact]
    public async Task Sni_parameter_names_the_host_to_check()
    {
        await using var server = new TlsTestServer(certificates.WrongHost, IPAddress.Loopback);

        var observation = await ProbeAsync(server, withCaFile: true, ("sni", "pbx.wrong-name.test"));

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Equal("pbx.wrong-name.test", observation.Facts["tls_server_name"]);
    }

    private Task<ProbeObservation> ProbeAsync(TlsTestServer server, bool withCaFile, params (string Name, string Value)[] extra)
    {
        var parameters = new Dictionary<string, string> { ["tls"] = "true" };
        if (withCaFile)
            parameters["ca_file"] = certificates.CaPemPath;
        foreach (var (name, value) in extra)
            parameters[name] = value;

        return _probe.RunAsync(new ProbeRequest { Target = $"localhost:{server.Port}", Parameters = parameters }, CancellationToken.None);
    }
}
