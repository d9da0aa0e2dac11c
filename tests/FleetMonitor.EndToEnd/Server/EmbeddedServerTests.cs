using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
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
            // First start: the server prints a one-time password for "admin"; the Api answers nobody who is not signed in.
            var password = await Eventually.WaitAsync(
                () =>
                {
                    Assert.False(server.HasExited, $"The server exited:\n{output}");
                    lock (output)
                    {
                        var match = Regex.Match(output.ToString(), @"created admin with the password (\S+) ");
                        return Task.FromResult(match.Success ? match.Groups[1].Value : "");
                    }
                },
                p => p.Length > 0,
                TimeSpan.FromSeconds(60),
                "the first admin's password in the server's output");
            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await Eventually.WaitAsync(
                async () =>
                {
                    try
                    {
                        return (await http.GetAsync("/alive")).StatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        return default;
                    }
                },
                s => s == HttpStatusCode.OK,
                TimeSpan.FromSeconds(60),
                "the server's /alive");
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/fleet/state")).StatusCode);
            await SignInAsync(http, "admin", password);
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
                // The agent starts with the server, so a first run can come before the server listens: the page shows the
                // latest result, and the server's own port and /alive are ok from the next run on (15 s apart).
                s => s.ValueKind == JsonValueKind.Array && ProbeIds(s).IsSupersetOf(["self-tcp", "self-http", "sip-tcp-5060", "media-echo"])
                    && Outcome(s, "self-tcp") == "ok" && Outcome(s, "self-http") == "ok",
                TimeSpan.FromSeconds(90),
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

    private static async Task SignInAsync(HttpClient http, string user, string password)
    {
        var page = await http.GetStringAsync("/login");
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"");
        Assert.True(token.Success, $"No antiforgery field in the sign-in page: {page}");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["username"] = user,
            ["password"] = password,
        });
        var answer = await http.PostAsync("/login", form);
        Assert.True(answer.StatusCode == HttpStatusCode.Redirect, $"Sign-in as {user} answered {answer.StatusCode}");
    }

    private static string? Outcome(JsonElement state, string probeId) =>
        state.EnumerateArray().Where(r => r.GetProperty("probeId").GetString() == probeId).Select(r => r.GetProperty("outcome").GetString()).FirstOrDefault();

    private static HashSet<string> ProbeIds(JsonElement state) =>
        state.EnumerateArray().Select(r => r.GetProperty("probeId").GetString()!).ToHashSet();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
