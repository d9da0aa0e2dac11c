using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FleetMonitor.Alerting.Tests.Support;
using FleetMonitor.EndToEnd.Support;

namespace FleetMonitor.EndToEnd.Server;

/// <summary>
/// The embedded server as its own process (<c>dotnet FleetMonitor.Server.dll</c>) with nothing but the .NET runtime,
/// started once for the class, its first admin signed in; its Alerting pages a webhook receiver of the test's own.
/// </summary>
public sealed class EmbeddedServerFixture : IAsyncLifetime
{
    public const string WebhookSecret = "embedded-webhook-secret";

    private readonly StringBuilder _output = new();
    private DirectoryInfo? _workDir;

    public Process Server { get; private set; } = null!;

    public HttpReceiver Webhook { get; private set; } = null!;

    public Uri Address { get; private set; } = null!;

    /// <summary>A client signed in as the first admin.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>
    /// The first <c>/api/fleet/state</c> with results of all the local agent's probes and the server's own probes ok
    /// (the agent starts with the server, so a first run can come before the server listens; the next is 15 s later).
    /// </summary>
    public JsonElement FirstState { get; private set; }

    /// <summary>The server's HTTP port (also the exposure scan's open port).</summary>
    public int Port { get; private set; }

    /// <summary>A TCP port nothing listens on (the refused "SIP" probe, and closed in the exposure scan).</summary>
    public int ClosedPort { get; private set; }

    /// <summary>A UDP port nothing listens on, closed in the exposure scan.</summary>
    public int ClosedUdpPort { get; private set; }

    /// <summary>The STUN server's alternate port (on 127.0.0.2).</summary>
    public int StunAlternatePort { get; private set; }

    /// <summary>The SIP mirror's port (UDP and TCP).</summary>
    public int SipPort { get; private set; }

    /// <summary>When the process was started (<see cref="Stopwatch"/> ticks).</summary>
    public long StartedAt { get; private set; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        Webhook = await HttpReceiver.StartAsync();
        var port = FreePort();
        var closedPort = FreePort();
        var echoPort = FreePort();
        var (stunPort, stunAlternatePort) = FreeUdpPorts();
        var sipPort = FreeUdpAndTcpPort();
        var closedUdpPort = FreeUdpPorts().First;
        Port = port;
        ClosedPort = closedPort;
        ClosedUdpPort = closedUdpPort;
        StunAlternatePort = stunAlternatePort;
        SipPort = sipPort;
        _workDir = Directory.CreateTempSubdirectory("fleetmonitor-server-");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _workDir.FullName,
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
            "--Alerting:Webhook:Url", new Uri(Webhook.Address, "/hook").ToString(),
            "--Alerting:Webhook:Secret", WebhookSecret,
        })
        {
            start.ArgumentList.Add(arg);
        }

        StartedAt = Stopwatch.GetTimestamp();
        Server = Process.Start(start)!;
        Server.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        Server.ErrorDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        Server.BeginOutputReadLine();
        Server.BeginErrorReadLine();

        // First start: the server prints a one-time password for "admin".
        var password = await Eventually.WaitAsync(
            () =>
            {
                Assert.False(Server.HasExited, $"The server exited:\n{Output}");
                var match = Regex.Match(Output, @"created admin with the password (\S+) ");
                return Task.FromResult(match.Success ? match.Groups[1].Value : "");
            },
            p => p.Length > 0,
            TimeSpan.FromSeconds(60),
            "the first admin's password in the server's output");
        Address = new Uri($"http://127.0.0.1:{port}");
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Address };
        await Eventually.WaitAsync(
            async () =>
            {
                try
                {
                    return (await Http.GetAsync("/alive")).StatusCode;
                }
                catch (HttpRequestException)
                {
                    return default;
                }
            },
            s => s == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60),
            "the server's /alive");
        await SignInAsync(Http, "admin", password);
        FirstState = await Eventually.WaitAsync(
            async () =>
            {
                Assert.False(Server.HasExited, $"The server exited:\n{Output}");
                try
                {
                    return JsonDocument.Parse(await Http.GetStringAsync("/api/fleet/state")).RootElement.Clone();
                }
                catch (HttpRequestException)
                {
                    return default;
                }
            },
            s => s.ValueKind == JsonValueKind.Array && ProbeIds(s).IsSupersetOf(["self-tcp", "self-http", "sip-tcp-5060", "media-echo"])
                && Outcome(s, "self-tcp") == "ok" && Outcome(s, "self-http") == "ok"
                // nat, sip-alg and exposure through the embedded Reflector; a first exposure run before the server
                // listened fails (exposure.reflector_failed), the next one a minute later is the one checked.
                && ProbeIds(s).IsSupersetOf(["nat", "sip-alg"]) && Outcome(s, "exposure") == "ok",
            // The NAT probe's own budget is 130 s; the window leaves it two minutes more on a busy machine.
            TimeSpan.FromSeconds(250),
            "results of the local agent's probes in /api/fleet/state",
            () => Task.FromResult($"the server's output, last 200 lines:\n{string.Join('\n', Output.Split('\n').TakeLast(200))}"));
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Server is not null)
        {
            Server.Kill(entireProcessTree: true);
            await Server.WaitForExitAsync();
            Server.Dispose();
        }

        if (Webhook is not null)
        {
            await Webhook.DisposeAsync();
        }

        _workDir?.Delete(recursive: true);
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
