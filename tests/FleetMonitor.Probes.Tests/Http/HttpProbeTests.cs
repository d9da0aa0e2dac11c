using System.Net;
using FleetMonitor.Contracts;
using FleetMonitor.Probes.Http;
using FleetMonitor.Probes.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace FleetMonitor.Probes.Tests.Http;

/// <summary>The http probe against Kestrel and raw listeners on loopback; no proxy unless a test sets one.</summary>
public sealed class HttpProbeTests(TestCertificates certificates) : IClassFixture<TestCertificates>, IAsyncLifetime
{
    private readonly HttpProbe _probe = new(TimeProvider.System, proxy: null);
    private HttpTestServer? _http;

    private int HttpPort => _http?.Port ?? throw new InvalidOperationException("server not started");

    public async Task InitializeAsync() => _http = await HttpTestServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_http is not null)
            await _http.DisposeAsync();
    }

    [Fact]
    public async Task Status_200_is_ok_over_HTTP_1_1_with_timings()
    {
        var observation = await ProbeAsync($"http://127.0.0.1:{HttpPort}/ok");

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Empty(observation.Findings);
        Assert.Equal("200", observation.Facts["http_status"]);
        Assert.Equal("1.1", observation.Facts["http_version"]);
        Assert.Equal($"http://127.0.0.1:{HttpPort}/ok", observation.Facts["final_url"]);
        Assert.Equal("none", observation.Facts["proxy"]);
        Assert.Equal($"127.0.0.1:{HttpPort}", observation.Facts["remote_address"]);
        Assert.True(observation.Measurements["ttfb_ms"] >= 0);
        Assert.True(observation.Measurements["total_ms"] >= 0);
        Assert.True(observation.Measurements["connect_ms"] >= 0);
        Assert.Equal(5, observation.Measurements["body_bytes"]);
        Assert.Equal(0, observation.Measurements["redirect_count"]);
    }

    [Fact]
    public async Task Status_404_fails_with_4xx_findings()
    {
        var observation = await ProbeAsync($"http://127.0.0.1:{HttpPort}/status/404");

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.HttpStatus4xx, "http.status.404"], observation.Findings);
        Assert.Equal("404", observation.Facts["http_status"]);
    }

    [Fact]
    public async Task Status_503_fails_with_5xx_findings()
    {
        var observation = await ProbeAsync($"http://127.0.0.1:{HttpPort}/status/503");

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.HttpStatus5xx, "http.status.503"], observation.Findings);
        Assert.Equal("503", observation.Facts["http_status"]);
    }

    [Fact]
    public async Task Expect_status_makes_another_status_ok()
    {
        var observation = await ProbeAsync($"http://127.0.0.1:{HttpPort}/status/404", ("expect_status", "200,404"));

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Empty(observation.Findings);
    }

    [Fact]
    public async Task Expect_status_makes_2xx_fail_when_it_asks_for_something_else()
    {
        var observation = await ProbeAsync($"http://127.0.0.1:{HttpPort}/ok", ("expect_status", "401"));

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.HttpStatusUnexpected, "http.status.200"], observation.Findings);
    }

    [Fact]
    public async Task Redirects_are_followed_and_counted()
    {
        var observation = await ProbeAsync($"http://127.0.0.1:{HttpPort}/redirect/3");

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Equal(3, observation.Measurements["redirect_count"]);
        Assert.Equal($"http://127.0.0.1:{HttpPort}/redirect/0", observation.Facts["final_url"]);
        Assert.Equal("200", observation.Facts["http_status"]);
        Assert.Equal(7, observation.Measurements["body_bytes"]);
    }

    [Fact]
    public async Task More_than_five_redirects_fail()
    {
        var observation = await ProbeAsync($"http://127.0.0.1:{HttpPort}/redirect/6");

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.HttpTooManyRedirects], observation.Findings);
        Assert.Equal(HttpProbe.MaxRedirects, observation.Measurements["redirect_count"]);
        Assert.Equal("302", observation.Facts["http_status"]);
    }

    [Fact]
    public async Task Method_parameter_is_sent()
    {
        // The test server maps GET only: a POST reaching it gets 405, which proves the method went on the wire.
        var observation = await ProbeAsync($"http://127.0.0.1:{HttpPort}/ok", ("method", "post"));

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.HttpStatus4xx, "http.status.405"], observation.Findings);
    }

    [Fact]
    public async Task Closed_port_is_refused()
    {
        var port = LoopbackPorts.Closed();

        var observation = await ProbeAsync($"http://127.0.0.1:{port}/");

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.TcpRefused], observation.Findings);
        Assert.False(observation.Facts.ContainsKey("http_status"));
    }

    [Fact]
    public async Task Server_that_never_sends_headers_times_out()
    {
        await using var silent = new SilentTcpServer();
        // The deadline passes on a fake clock once the request has reached the server: a real budget also had to cover
        // a connect that a busy machine can delay past it.
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var request = new ProbeRequest { Target = $"http://127.0.0.1:{silent.Port}/", Timeout = TimeSpan.FromSeconds(5) };

        var observation = await silent.RunPastTheDeadlineAsync(new HttpProbe(clock, proxy: null), clock, request);

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.HttpTimeout], observation.Findings);
        Assert.True(observation.Measurements["connect_ms"] >= 0, "the TCP part worked and is still reported");
        Assert.False(observation.Facts.ContainsKey("http_status"));
    }

    [Fact]
    public async Task Https_server_that_never_answers_times_out_in_the_handshake()
    {
        await using var silent = new SilentTcpServer();
        // The deadline passes on a fake clock once the ClientHello has reached the server (see above).
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var request = new ProbeRequest { Target = $"https://127.0.0.1:{silent.Port}/", Timeout = TimeSpan.FromSeconds(5) };

        var observation = await silent.RunPastTheDeadlineAsync(new HttpProbe(clock, proxy: null), clock, request);

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.TlsHandshakeFailed, FindingCodes.TlsTimeout], observation.Findings);
    }

    [Theory]
    [InlineData("")]
    [InlineData("example.com")]
    [InlineData("/provisioning/phone.cfg")]
    [InlineData("ftp://127.0.0.1/phone.cfg")]
    [InlineData("http://")]
    [InlineData("http:// spaces .test/")]
    public async Task Invalid_url_is_an_error_of_the_probe(string target)
    {
        var observation = await ProbeAsync(target);

        Assert.Equal(ProbeOutcome.Error, observation.Outcome);
        Assert.Equal([FindingCodes.InvalidTarget], observation.Findings);
    }

    [Theory]
    [InlineData("method", "GE T")]
    [InlineData("method", "CONNECT")]
    [InlineData("expect_status", "ok")]
    [InlineData("expect_status", "700")]
    [InlineData("ca_file", "/nonexistent/fleetmonitor-ca.pem")]
    public async Task Unusable_parameter_is_an_error_of_the_probe(string name, string value)
    {
        var observation = await ProbeAsync($"http://127.0.0.1:{HttpPort}/ok", (name, value));

        Assert.Equal(ProbeOutcome.Error, observation.Outcome);
        Assert.Equal([FindingCodes.InvalidParameter], observation.Findings);
    }

    [Fact]
    public async Task Https_with_the_ca_file_is_ok_with_tls_facts()
    {
        await using var https = await HttpTestServer.StartAsync(certificates.Valid);

        var observation = await ProbeAsync($"https://localhost:{https.Port}/ok", ("ca_file", certificates.CaPemPath));

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Empty(observation.Findings);
        Assert.Equal("200", observation.Facts["http_status"]);
        Assert.Equal("1.1", observation.Facts["http_version"]);
        Assert.Matches("^TLSv1\\.[23]$", observation.Facts["tls_protocol"]);
        Assert.StartsWith("TLS_", observation.Facts["tls_cipher"], StringComparison.Ordinal);
        Assert.Equal("CN=localhost", observation.Facts["tls_certificate_subject"]);
        Assert.Equal("CN=FleetMonitor Test PBX CA", observation.Facts["tls_certificate_issuer"]);
        Assert.True(observation.Measurements["tls_days_to_expiry"] > 80);
        Assert.True(observation.Measurements["tls_handshake_ms"] >= 0);
        Assert.True(observation.Measurements["dns_ms"] >= 0);
        Assert.True(observation.Measurements["ttfb_ms"] >= 0);
    }

    [Fact]
    public async Task Https_from_a_private_ca_without_ca_file_is_untrusted_and_not_requested()
    {
        await using var https = await HttpTestServer.StartAsync(certificates.Valid);

        var observation = await ProbeAsync($"https://localhost:{https.Port}/ok");

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.TlsChainUntrusted], observation.Findings);
        Assert.Equal("CN=localhost", observation.Facts["tls_certificate_subject"]);
        Assert.False(observation.Facts.ContainsKey("http_status"));
    }

    [Fact]
    public async Task Https_with_an_expired_certificate_fails_with_certificate_expired()
    {
        await using var https = await HttpTestServer.StartAsync(certificates.Expired);

        var observation = await ProbeAsync($"https://localhost:{https.Port}/ok", ("ca_file", certificates.CaPemPath));

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.TlsCertificateExpired], observation.Findings);
    }

    [Fact]
    public async Task Https_with_a_certificate_for_another_name_fails_with_name_mismatch()
    {
        await using var https = await HttpTestServer.StartAsync(certificates.WrongHost);

        var observation = await ProbeAsync($"https://localhost:{https.Port}/ok", ("ca_file", certificates.CaPemPath));

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.TlsNameMismatch], observation.Findings);
    }

    [Fact]
    public async Task Proxy_is_used_and_reported()
    {
        // Kestrel stands in for the proxy: it answers the absolute-form request a client sends to a proxy, so the
        // target's name is never resolved and nothing leaves loopback.
        var proxyUri = new Uri($"http://127.0.0.1:{HttpPort}");
        var probe = new HttpProbe(TimeProvider.System, new WebProxy(proxyUri));

        var observation = await probe.RunAsync(new ProbeRequest { Target = "http://provisioning.fleetmonitor.invalid/ok" }, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Equal($"http://127.0.0.1:{HttpPort}", observation.Facts["proxy"]);
        Assert.Equal($"127.0.0.1:{HttpPort}", observation.Facts["remote_address"]);
        Assert.Equal("http://provisioning.fleetmonitor.invalid/ok", observation.Facts["final_url"]);
    }

    [Fact]
    public async Task Caller_cancelling_stops_the_probe_with_an_exception_not_an_outcome()
    {
        await using var silent = new SilentTcpServer();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var request = new ProbeRequest { Target = $"http://127.0.0.1:{silent.Port}/", Timeout = TimeSpan.FromSeconds(30) };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _probe.RunAsync(request, cancel.Token));
    }

    private Task<ProbeObservation> ProbeAsync(string target, params (string Name, string Value)[] parameters) =>
        _probe.RunAsync(
            new ProbeRequest { Target = target, Parameters = parameters.ToDictionary(p => p.Name, p => p.Value) },
            CancellationToken.None);
}
