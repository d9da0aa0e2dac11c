using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FleetMonitor.Agent.Cli;
using FleetMonitor.Contracts;

namespace FleetMonitor.Agent.Tests.Cli;

/// <summary>The one-shot <c>probe</c> command against real sockets on loopback.</summary>
public sealed class ProbeCommandTests
{
    [Fact]
    public async Task An_open_port_prints_an_ok_result_in_the_wire_format_and_exits_0()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var (code, stdout, _) = await RunAsync("tcp", $"127.0.0.1:{port}");

        Assert.Equal(ProbeCommand.ExitOk, code);
        var result = JsonSerializer.Deserialize<ProbeCompleted>(stdout, WireFormat.Options)!;
        Assert.Equal((ProbeOutcome.Ok, "tcp", $"127.0.0.1:{port}", 1), (result.Outcome, result.Kind, result.Target, result.SchemaVersion));
        Assert.Equal(7, result.Id.Version);
        Assert.True(result.Measurements["connect_ms"] >= 0);
    }

    [Fact]
    public async Task A_refused_port_prints_the_finding_and_exits_1()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var (code, stdout, _) = await RunAsync("tcp", $"127.0.0.1:{port}", "--timeout", "5");

        Assert.Equal(ProbeCommand.ExitNotOk, code);
        var result = JsonSerializer.Deserialize<ProbeCompleted>(stdout, WireFormat.Options)!;
        Assert.Equal(ProbeOutcome.Failed, result.Outcome);
        Assert.Contains("tcp.refused", result.Findings);
    }

    [Theory]
    [InlineData(new string[0], "usage: probe")]
    [InlineData(new[] { "tcp" }, "usage: probe")]
    [InlineData(new[] { "teleport", "x" }, "unknown kind 'teleport'")]
    [InlineData(new[] { "tcp", "x:1", "--timeout", "soon" }, "--timeout")]
    [InlineData(new[] { "tcp", "x:1", "--tls" }, "expected '--name value'")]
    public async Task Usage_errors_exit_2_and_say_what_is_wrong(string[] args, string message)
    {
        var (code, stdout, stderr) = await RunAsync(args);

        Assert.Equal(ProbeCommand.ExitUsage, code);
        Assert.Empty(stdout);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await ProbeCommand.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
