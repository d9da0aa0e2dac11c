using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FleetMonitor.Agent.Tests.Support;
using FleetMonitor.Contracts;

namespace FleetMonitor.Agent.Tests.Cli;

/// <summary>The one-shot <c>probe</c> command, run as a process (the AOT binary in CI) against real sockets on loopback.</summary>
public sealed class ProbeCommandTests
{
    [Fact]
    public async Task An_open_port_prints_an_ok_result_in_the_wire_format_and_exits_0()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var (code, stdout, stderr) = await RunAsync("probe", "tcp", $"127.0.0.1:{port}");

        Assert.True(code == 0, stderr);
        var result = JsonSerializer.Deserialize(stdout, WireFormatJsonContext.Default.ProbeCompleted)!;
        Assert.Equal((ProbeOutcome.Ok, "tcp", $"127.0.0.1:{port}", 1), (result.Outcome, result.Kind, result.Target, result.SchemaVersion));
        Assert.Equal(7, result.Id.Version);
        Assert.True(result.Measurements["connect_ms"] >= 0);
    }

    [Fact]
    public async Task A_refused_port_is_a_failed_probe_exit_1_and_the_text_format_explains_the_finding()
    {
        var port = ClosedPort();

        var (json, jsonOut, _) = await RunAsync("probe", "tcp", $"127.0.0.1:{port}", "--timeout", "5");
        var (text, textOut, _) = await RunAsync("probe", "tcp", $"127.0.0.1:{port}", "--format", "text");

        Assert.Equal(1, json);
        var result = JsonSerializer.Deserialize(jsonOut, WireFormatJsonContext.Default.ProbeCompleted)!;
        Assert.Equal(ProbeOutcome.Failed, result.Outcome);
        Assert.Contains("tcp.refused", result.Findings);
        Assert.Equal(1, text);
        Assert.Contains("FAILED (the path does not work)", textOut, StringComparison.Ordinal);
        Assert.Matches(@"tcp\.refused\s+The peer answered the connection attempt with a reset: nothing listens on that port\.", textOut);
        Assert.DoesNotContain("{", textOut, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tcp", "--tsl", "true", "--tls, --sni, --ca_file, --min_days")]
    [InlineData("http", "--expect-status", "204", "--method, --expect_status")]
    public async Task An_unknown_parameter_exits_2_and_lists_the_known_ones(string kind, string option, string value, string known)
    {
        var (code, stdout, stderr) = await RunAsync("probe", kind, "127.0.0.1:9", option, value);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains(option, stderr, StringComparison.Ordinal);
        Assert.Contains(known, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tcp", "no-port-here")]
    [InlineData("http", "ftp://example.invalid/x")]
    public async Task A_malformed_target_is_a_usage_error_exit_2_not_a_failed_probe(string kind, string target)
    {
        var (code, stdout, stderr) = await RunAsync("probe", kind, target);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains($"probe {kind}:", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "probe" }, "Required command was not provided")]
    [InlineData(new[] { "probe", "tcp" }, "Required argument missing")]
    [InlineData(new[] { "probe", "teleport", "x" }, "teleport")]
    [InlineData(new[] { "probe", "tcp", "x:1", "--timeout", "soon" }, "soon")]
    [InlineData(new[] { "probe", "tcp", "x:1", "--timeout", "0" }, "--timeout must be whole seconds from 1 to 600")]
    [InlineData(new[] { "probe", "tcp", "x:1", "--format", "xml" }, "xml")]
    [InlineData(new[] { "frobnicate" }, "frobnicate")]
    public async Task Usage_errors_exit_2_and_say_what_is_wrong(string[] args, string message)
    {
        var (code, stdout, stderr) = await RunAsync(args);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tls_against_a_plain_port_says_so_in_words()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serve = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            await client.GetStream().WriteAsync("SSH-2.0-OpenSSH_9.2\r\n"u8.ToArray());
            // Open until the probe leaves, not for a fixed 2 s a busy machine can use up before the probe reads the banner.
            using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var buffer = new byte[1024];
            try
            {
                while (await client.GetStream().ReadAsync(buffer, bound.Token) > 0)
                {
                }
            }
            catch (IOException)
            {
                // The probe reset the connection on its way out.
            }
        });

        var (code, stdout, _) = await RunAsync("probe", "tcp", $"127.0.0.1:{port}", "--tls", "true", "--format", "text");

        Assert.Equal(1, code);
        Assert.Contains("tls.handshake_failed", stdout, StringComparison.Ordinal);
        Assert.Contains("does not speak TLS", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("frame size", stdout, StringComparison.Ordinal);
        await serve;
    }

    [Fact]
    public async Task Quotes_in_the_printed_result_are_quotes_not_escapes()
    {
        var target = $"http://127.0.0.1:{ClosedPort()}/phone's.cfg";

        var (code, stdout, _) = await RunAsync("probe", "http", target, "--timeout", "5");

        Assert.Equal(1, code);
        Assert.Contains($"\"target\": \"{target}\"", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", stdout, StringComparison.Ordinal);
        Assert.Equal(target, JsonSerializer.Deserialize(stdout, WireFormatJsonContext.Default.ProbeCompleted)!.Target);
    }

    [Fact]
    public async Task Help_and_version_exit_0()
    {
        var (help, helpOut, _) = await RunAsync("--help");
        var (probeHelp, probeHelpOut, _) = await RunAsync("probe", "tcp", "--help");
        var (version, versionOut, _) = await RunAsync("--version");

        Assert.Equal((0, 0, 0), (help, probeHelp, version));
        foreach (var command in new[] { "run", "probe", "status", "install", "uninstall" })
        {
            Assert.Contains(command, helpOut, StringComparison.Ordinal);
        }

        Assert.Contains("--tls", probeHelpOut, StringComparison.Ordinal);
        Assert.Contains("--min_days", probeHelpOut, StringComparison.Ordinal);
        Assert.Matches(@"^\d+\.\d+\.\d+", versionOut.Trim());
    }

    internal static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        AgentProcess.RunAsync(Directory.GetCurrentDirectory(), args);
}
