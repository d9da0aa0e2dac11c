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
        var (stunPort, stunAlternatePort) = FreeUdpPorts();
        var sipPort = FreeUdpAndTcpPort();
        var closedUdpPort = FreeUdpPorts().First;
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
            "--Reflector:Stun:PrimaryPort", $"{stunPort}",
            "--Reflector:Stun:AlternatePort", $"{stunAlternatePort}",
            "--Agent:Probes:5:Target", $"127.0.0.1:{stunPort}",
            "--Reflector:SipMirror:Endpoints:0", $"127.0.0.1:{sipPort}",
            "--Agent:Probes:6:Target", $"127.0.0.1:{sipPort}",
            "--Agent:Probes:6:Parameters:ports", $"{sipPort}",
            "--Agent:Probes:7:Target", $"http://127.0.0.1:{port}",
            // The site's own ports instead of the default list, so that every verdict is known: the server's port is
            // open, the two others closed (a RST, an ICMP port unreachable).
            "--Agent:Probes:7:Parameters:ports", $"{port}/tcp,{closedPort}/tcp,{closedUdpPort}/udp",
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
                    && Outcome(s, "self-tcp") == "ok" && Outcome(s, "self-http") == "ok"
                    // nat, sip-alg and exposure through the embedded Reflector; a first exposure run before the server
                    // listened fails (exposure.reflector_failed), the next one a minute later is the one checked.
                    && ProbeIds(s).IsSupersetOf(["nat", "sip-alg"]) && Outcome(s, "exposure") == "ok",
                TimeSpan.FromSeconds(150),
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

            // Loopback has no NAT and nothing filters it: RFC 5780's tests through the STUN server on 127.0.0.1 and 127.0.0.2.
            Assert.Contains("nat.none", Findings(rows["nat"]));
            Assert.Contains("nat.filtering.endpoint_independent", Findings(rows["nat"]));
            var nat = await LatestFactsAsync(http, "nat");
            Assert.Equal("false", nat["nat_present"]);
            Assert.Equal("none", nat["nat_mapping"]);
            Assert.Equal("endpoint_independent", nat["nat_filtering"]);
            Assert.StartsWith("127.0.0.1:", nat["mapped_address"], StringComparison.Ordinal);
            Assert.Equal($"127.0.0.2:{stunAlternatePort}", nat["other_address"]);

            // The SIP mirror saw the INVITE as sent, over UDP and TCP.
            Assert.Equal("ok", rows["sip-alg"].GetProperty("outcome").GetString());
            Assert.Contains("sip.alg.none", Findings(rows["sip-alg"]));
            var sipAlg = await LatestFactsAsync(http, "sip-alg");
            Assert.Equal($"{sipPort}", sipAlg["ports_checked"]);
            Assert.Equal("none", sipAlg["udp.rewritten"]);
            Assert.Equal("none", sipAlg["tcp.rewritten"]);

            // The connect-back scan of the address the request came from found what is there.
            Assert.Contains($"exposure.open.{port}/tcp", Findings(rows["exposure"]));
            var exposure = await LatestFactsAsync(http, "exposure");
            Assert.Equal("127.0.0.1", exposure["public_address"]);
            Assert.Equal("site", exposure["coverage"]);
            Assert.Equal($"{port}/tcp", exposure["open"]);
            Assert.Equal(
                new[] { $"{closedPort}/tcp", $"{closedUdpPort}/udp" }.Order(),
                exposure["closed"].Split(',').Order());

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

    private static IEnumerable<string?> Findings(JsonElement row) =>
        row.GetProperty("findings").EnumerateArray().Select(f => f.GetString());

    /// <summary>The facts of the local agent's latest result of <paramref name="probeId"/>.</summary>
    private static async Task<Dictionary<string, string>> LatestFactsAsync(HttpClient http, string probeId)
    {
        var page = JsonDocument.Parse(await http.GetStringAsync($"/api/agents/local-agent/probes/{probeId}/results?limit=1")).RootElement;
        return page.GetProperty("items")[0].GetProperty("facts").EnumerateObject().ToDictionary(f => f.Name, f => f.Value.GetString()!);
    }

    private static string? Outcome(JsonElement state, string probeId) =>
        state.EnumerateArray().Where(r => r.GetProperty("probeId").GetString() == probeId).Select(r => r.GetProperty("outcome").GetString()).FirstOrDefault();

    private static HashSet<string> ProbeIds(JsonElement state) =>
        state.EnumerateArray().Select(r => r.GetProperty("probeId").GetString()!).ToHashSet();

    /// <summary>Two UDP ports free on every address (the STUN server binds them on 127.0.0.1 and 127.0.0.2).</summary>
    private static (int First, int Second) FreeUdpPorts()
    {
        using var first = new UdpClient(new IPEndPoint(IPAddress.Any, 0));
        using var second = new UdpClient(new IPEndPoint(IPAddress.Any, 0));
        return (((IPEndPoint)first.Client.LocalEndPoint!).Port, ((IPEndPoint)second.Client.LocalEndPoint!).Port);
    }

    /// <summary>A port free for both UDP and TCP on 127.0.0.1 (the SIP mirror listens on both).</summary>
    private static int FreeUdpAndTcpPort()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            try
            {
                using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
