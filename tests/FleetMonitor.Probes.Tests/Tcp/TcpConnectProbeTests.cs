using System.Net;
using System.Net.Sockets;
using FleetMonitor.Contracts;
using FleetMonitor.Probes.Tcp;
using FleetMonitor.Probes.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace FleetMonitor.Probes.Tests.Tcp;

public sealed class TcpConnectProbeTests
{
    private readonly TcpConnectProbe _probe = new();

    [Fact]
    public async Task Open_port_is_ok_with_connect_time_and_remote_address()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;

            var observation = await _probe.RunAsync(new ProbeRequest { Target = $"127.0.0.1:{port}" }, CancellationToken.None);

            Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
            Assert.Empty(observation.Findings);
            Assert.Null(observation.Error);
            Assert.True(observation.Measurements["connect_ms"] >= 0);
            Assert.Equal($"127.0.0.1:{port}", observation.Facts["remote_address"]);
            Assert.False(observation.Measurements.ContainsKey("dns_ms"), "an address literal needs no lookup");
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task Host_name_is_resolved_and_timed()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;

            var observation = await _probe.RunAsync(new ProbeRequest { Target = $"localhost:{port}" }, CancellationToken.None);

            Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
            Assert.True(observation.Measurements["dns_ms"] >= 0);
            Assert.True(observation.Measurements["connect_ms"] >= 0);
            Assert.Equal($"127.0.0.1:{port}", observation.Facts["remote_address"]);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task Bracketed_IPv6_target_connects_over_IPv6()
    {
        var listener = new TcpListener(IPAddress.IPv6Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;

            var observation = await _probe.RunAsync(new ProbeRequest { Target = $"[::1]:{port}" }, CancellationToken.None);

            Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
            Assert.Equal($"[::1]:{port}", observation.Facts["remote_address"]);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task Closed_port_is_refused()
    {
        var port = LoopbackPorts.Closed();

        var observation = await _probe.RunAsync(new ProbeRequest { Target = $"127.0.0.1:{port}" }, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.TcpRefused], observation.Findings);
        Assert.Contains("refused", observation.Error, StringComparison.Ordinal);
        Assert.False(observation.Measurements.ContainsKey("connect_ms"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("localhost:")]
    [InlineData(":443")]
    [InlineData("localhost:0")]
    [InlineData("localhost:65536")]
    [InlineData("localhost:https")]
    [InlineData("::1:443")]
    [InlineData("[::1]443")]
    [InlineData("[127.0.0.1]:443")]
    [InlineData("tcp://localhost:443")]
    [InlineData("bad host:443")]
    public async Task Malformed_target_is_an_error_of_the_probe(string target)
    {
        var observation = await _probe.RunAsync(new ProbeRequest { Target = target }, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Error, observation.Outcome);
        Assert.Equal([FindingCodes.InvalidTarget], observation.Findings);
        Assert.NotNull(observation.Error);
    }

    [Theory]
    [InlineData("tls", "yes")]
    [InlineData("min_days", "-1")]
    [InlineData("sni", "not a name")]
    [InlineData("ca_file", "/nonexistent/fleetmonitor-ca.pem")]
    public async Task Unusable_parameter_is_an_error_of_the_probe(string name, string value)
    {
        var parameters = new Dictionary<string, string> { ["tls"] = "true", [name] = value };

        var observation = await _probe.RunAsync(
            new ProbeRequest { Target = "127.0.0.1:443", Parameters = parameters }, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Error, observation.Outcome);
        Assert.Equal([FindingCodes.InvalidParameter], observation.Findings);
    }

    [Fact]
    public async Task Server_that_never_answers_TLS_times_out_in_the_handshake()
    {
        await using var server = new SilentTcpServer();
        // The deadline passes on a fake clock once the ClientHello has reached the server: on a busy machine a real
        // budget also had to cover a connect the scheduler could delay past it (tcp.timeout instead).
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var request = new ProbeRequest
        {
            Target = $"127.0.0.1:{server.Port}",
            Parameters = new Dictionary<string, string> { ["tls"] = "true" },
            Timeout = TimeSpan.FromSeconds(5),
        };

        var observation = await server.RunPastTheDeadlineAsync(new TcpConnectProbe(clock), clock, request);

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Contains(FindingCodes.TlsHandshakeFailed, observation.Findings);
        Assert.Contains(FindingCodes.TlsTimeout, observation.Findings);
        Assert.True(observation.Measurements["connect_ms"] >= 0, "the TCP part worked and is still reported");
    }

    [Fact]
    public async Task Caller_cancelling_stops_the_probe_with_an_exception_not_an_outcome()
    {
        await using var server = new SilentTcpServer();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var request = new ProbeRequest
        {
            Target = $"127.0.0.1:{server.Port}",
            Parameters = new Dictionary<string, string> { ["tls"] = "true" },
            Timeout = TimeSpan.FromSeconds(30),
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _probe.RunAsync(request, cancel.Token));
    }
}
