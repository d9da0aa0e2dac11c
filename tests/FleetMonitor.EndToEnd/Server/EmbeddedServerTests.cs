using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FleetMonitor.EndToEnd.Support;

namespace FleetMonitor.EndToEnd.Server;

/// <summary>
/// The README's run command as a new user meets it: the embedded server, started as its own process with nothing but
/// the .NET runtime, shows this machine's probe results through its API and dashboard within a minute.
/// </summary>
public sealed class EmbeddedServerTests
{
    [Fact]
    public async Task The_embedded_server_shows_real_probe_results_within_a_minute()
    {
        var port = FreePort();
        var closedPort = FreePort();
        var echoPort = FreePort();
        var workDir = Directory.CreateTempSubdirectory("fleetmonitor-server-");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDir.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "FleetMonitor.Server.dll"),
            "--contentRoot", AppContext.BaseDirectory,
            "--urls", $"http://127.0.0.1:{port}",
            "--Agent:Probes:0:Target", $"127.0.0.1:{port}",
            "--Agent:Probes:1:Target", $"http://127.0.0.1:{port}/alive",
            "--Agent:Probes:2:Target", $"127.0.0.1:{closedPort}",
            "--Reflector:Echo:Endpoints:0", $"127.0.0.1:{echoPort}",
            "--Agent:Probes:4:Target", $"127.0.0.1:{echoPort}",
        })
        {
            start.ArgumentList.Add(arg);
        }

        using var server = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        server.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        server.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var state = await Eventually.WaitAsync(
                async () =>
                {
                    Assert.False(server.HasExited, $"The server exited:\n{output}");
                    try
                    {
                        return JsonDocument.Parse(await http.GetStringAsync("/api/fleet/state")).RootElement.Clone();
                    }
                    catch (HttpRequestException)
                    {
                        return default;
                    }
                },
                s => s.ValueKind == JsonValueKind.Array && ProbeIds(s).IsSupersetOf(["self-tcp", "self-http", "sip-tcp-5060", "media-echo"]),
                TimeSpan.FromSeconds(60),
                "results of the local agent's probes in /api/fleet/state");

            var rows = state.EnumerateArray().ToDictionary(r => r.GetProperty("probeId").GetString()!);
            Assert.Equal("ok", rows["self-tcp"].GetProperty("outcome").GetString());
            Assert.Equal("ok", rows["self-http"].GetProperty("outcome").GetString());
            Assert.Equal("failed", rows["sip-tcp-5060"].GetProperty("outcome").GetString());
            Assert.Contains("tcp.refused", rows["sip-tcp-5060"].GetProperty("findings").EnumerateArray().Select(f => f.GetString()));
            Assert.Equal("local-agent", rows["self-tcp"].GetProperty("agentId").GetString());

            // The media stream went through the embedded Reflector's echo and back.
            Assert.Equal("ok", rows["media-echo"].GetProperty("outcome").GetString());
            Assert.InRange(rows["media-echo"].GetProperty("measurements").GetProperty("mos_plc").GetDouble(), 4.0, 4.5);
            Assert.Equal(0, rows["media-echo"].GetProperty("measurements").GetProperty("loss_ratio").GetDouble());

            var page = await http.GetStringAsync("/");
            Assert.Contains("<html", page, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/metrics")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            workDir.Delete(recursive: true);
        }
    }

    private static HashSet<string> ProbeIds(JsonElement state) =>
        state.EnumerateArray().Select(r => r.GetProperty("probeId").GetString()!).ToHashSet();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
