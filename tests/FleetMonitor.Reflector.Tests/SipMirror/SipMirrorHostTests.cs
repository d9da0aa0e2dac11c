using System.Net;
using System.Net.Sockets;
using System.Text;
using FleetMonitor.Contracts;
using FleetMonitor.Probes;
using FleetMonitor.Probes.SipAlg;
using FleetMonitor.Reflector.SipMirror;
using FleetMonitor.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using FleetMonitor.Reflector.Tests.Support;

namespace FleetMonitor.Reflector.Tests.SipMirror;

/// <summary>The Reflector's own Program, in-process, with its SIP mirror on a loopback port the system picks, and the real sip-alg probe.</summary>
public sealed class SipMirrorHostTests
{
    [Fact]
    public async Task Probe_over_UDP_and_TCP_gets_verdict_none_on_loopback_and_metrics_count_it()
    {
        await using var factory = Reflector();
        using var client = factory.CreateClient();
        var mirror = MirrorEndpoint(factory);
        var before = await MetricsPage.ReadAsync(client, "fleetmonitor_reflector_sip_mirror_");

        // The mirror is on an ephemeral loopback port, not 5060: only its own port is checked. The probe's clock is fake,
        // so no retransmission (a second "answered") comes from a busy machine reading the answer late.
        var observation = await new SipAlgProbe(new FakeTimeProvider(TimeProvider.System.GetUtcNow())).RunAsync(
            new ProbeRequest { Target = mirror.ToString(), Parameters = new Dictionary<string, string> { ["ports"] = $"{mirror.Port}" } },
            CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Equal([FindingCodes.SipAlgNone], observation.Findings);
        foreach (var transport in new[] { "udp", "tcp" })
        {
            Assert.Equal("none", observation.Facts[$"{transport}.rewritten"]);
            Assert.Equal(observation.Facts[$"{transport}.local_address"], observation.Facts[$"{transport}.source"]);
            Assert.Equal("603", observation.Facts[$"{transport}.sip_status"]);
        }

        // The ACK over TCP may still be on its way when the probe returns.
        var after = await WaitForAsync(client, m => MetricsPage.Delta(before, m, "fleetmonitor_reflector_sip_mirror_messages_total{transport=\"tcp\",result=\"ack\"}") >= 1);
        foreach (var transport in new[] { "udp", "tcp" })
        {
            Assert.Equal(1, MetricsPage.Delta(before, after, $"fleetmonitor_reflector_sip_mirror_messages_total{{transport=\"{transport}\",result=\"answered\"}}"));
            Assert.Equal(1, MetricsPage.Delta(before, after, $"fleetmonitor_reflector_sip_mirror_verdicts_total{{transport=\"{transport}\",verdict=\"none\"}}"));
            var received = MetricsPage.Delta(before, after, $"fleetmonitor_reflector_sip_mirror_bytes_total{{transport=\"{transport}\",direction=\"received\"}}");
            var sent = MetricsPage.Delta(before, after, $"fleetmonitor_reflector_sip_mirror_bytes_total{{transport=\"{transport}\",direction=\"sent\"}}");
            Assert.InRange(sent, 1, received / 2);
        }
    }

    [Fact]
    public async Task Other_SIP_and_garbage_get_no_answer_and_are_counted()
    {
        await using var factory = Reflector();
        using var client = factory.CreateClient();
        var mirror = MirrorEndpoint(factory);
        var before = await MetricsPage.ReadAsync(client, "fleetmonitor_reflector_sip_mirror_");

        // sipsak 0.9.8.1's OPTIONS, as captured: well-formed SIP, but no original copy, so not the probe's.
        var sipsak = Encoding.UTF8.GetBytes(
            $"OPTIONS sip:127.0.0.1:{mirror.Port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:35117;branch=z9hG4bK.3468d8c6;rport;alias\r\n" +
            "From: sip:sipsak@127.0.0.1:35117;tag=ede779\r\nTo: sip:127.0.0.1\r\nCall-ID: 15591289@127.0.0.1\r\nCSeq: 1 OPTIONS\r\n" +
            "Contact: sip:sipsak@127.0.0.1:35117\r\nContent-Length: 0\r\nMax-Forwards: 70\r\nUser-Agent: sipsak 0.9.8.1\r\nAccept: text/plain\r\n\r\n");
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await socket.SendToAsync(sipsak, SocketFlags.None, mirror);
        await socket.SendToAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray(), SocketFlags.None, mirror);
        await socket.SendToAsync(new byte[5000], SocketFlags.None, mirror);
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(mirror);
            // The same over TCP, its Via saying so (a Via naming another transport is malformed).
            await tcp.GetStream().WriteAsync(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(sipsak).Replace("SIP/2.0/UDP", "SIP/2.0/TCP", StringComparison.Ordinal)));
            var read = await tcp.GetStream().ReadAsync(new byte[100]);
            Assert.Equal(0, read);
        }

        string[] drops =
        [
            "fleetmonitor_reflector_sip_mirror_dropped_total{transport=\"udp\",reason=\"too_large\"}",
            "fleetmonitor_reflector_sip_mirror_dropped_total{transport=\"udp\",reason=\"not_probe\"}",
            "fleetmonitor_reflector_sip_mirror_dropped_total{transport=\"udp\",reason=\"malformed\"}",
            "fleetmonitor_reflector_sip_mirror_dropped_total{transport=\"tcp\",reason=\"not_probe\"}",
        ];
        var after = await WaitForAsync(client, m => drops.All(d => MetricsPage.Delta(before, m, d) >= 1));
        // Looked for once the mirror has dealt with the last datagram, so that the window can still catch a late answer.
        Assert.Null(await ReceiveAsync(socket, TimeSpan.FromMilliseconds(500)));
        Assert.Equal(1, MetricsPage.Delta(before, after, "fleetmonitor_reflector_sip_mirror_dropped_total{transport=\"udp\",reason=\"not_probe\"}"));
        Assert.Equal(1, MetricsPage.Delta(before, after, "fleetmonitor_reflector_sip_mirror_dropped_total{transport=\"udp\",reason=\"malformed\"}"));
        Assert.Equal(1, MetricsPage.Delta(before, after, "fleetmonitor_reflector_sip_mirror_dropped_total{transport=\"tcp\",reason=\"not_probe\"}"));
        Assert.Equal(0, MetricsPage.Delta(before, after, "fleetmonitor_reflector_sip_mirror_messages_total{transport=\"udp\",result=\"answered\"}"));
    }

    [Fact]
    public async Task Each_source_is_rate_limited()
    {
        await using var factory = Reflector(("Reflector:SipMirror:RequestsPerSecondPerSource", "0.01"), ("Reflector:SipMirror:BurstPerSource", "2"));
        var mirror = MirrorEndpoint(factory);
        var probe = new SipAlgProbe();
        var request = new ProbeRequest
        {
            Target = mirror.ToString(),
            // The mirror answers at once (with or without a verdict); the budget only bounds a busy machine.
            Timeout = TimeSpan.FromSeconds(30),
            Parameters = new Dictionary<string, string> { ["transports"] = "tcp", ["ports"] = $"{mirror.Port}" },
        };

        var answered = await probe.RunAsync(request, CancellationToken.None);
        await probe.RunAsync(request, CancellationToken.None);
        var refused = await probe.RunAsync(request, CancellationToken.None);

        Assert.Equal([FindingCodes.SipAlgNone], answered.Findings);
        Assert.Equal([FindingCodes.SipAlgNoVerdict], refused.Findings);
    }

    [Fact]
    public async Task Without_endpoints_the_mirror_is_off()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Reflector:Echo:Endpoints:0"] = "127.0.0.1:0" });
        builder.AddServiceDefaults();
        builder.AddFleetMonitorReflector();
        await using var app = builder.Build();

        await app.StartAsync();

        Assert.Empty(app.Services.GetRequiredService<SipMirrorService>().LocalEndpoints);
        await app.StopAsync();
    }

    [Fact]
    public async Task A_port_in_use_stops_the_start()
    {
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        holder.Listen();
        var taken = (IPEndPoint)holder.LocalEndPoint!;

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Reflector:Echo:Endpoints:0"] = "127.0.0.1:0",
            ["Reflector:SipMirror:Endpoints:0"] = taken.ToString(),
        });
        builder.AddServiceDefaults();
        builder.AddFleetMonitorReflector();
        await using var app = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        Assert.IsType<InvalidOperationException>(error);
        Assert.Contains($"{taken} on tcp", error.Message, StringComparison.Ordinal);
    }

    private static WebApplicationFactory<Program> Reflector(params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Reflector:Echo:Endpoints:0", "127.0.0.1:0");
            // In memory there is no management port: /metrics and /health on the one address.
            builder.UseSetting(ManagementEndpoint.SettingKey, "");
            builder.UseSetting("Reflector:SipMirror:Endpoints:0", "127.0.0.1:0");
            foreach (var (key, value) in settings)
                builder.UseSetting(key, value);
        });

    private static IPEndPoint MirrorEndpoint(WebApplicationFactory<Program> factory) =>
        Assert.Single(factory.Services.GetRequiredService<SipMirrorService>().LocalEndpoints);

    private static async Task<byte[]?> ReceiveAsync(Socket socket, TimeSpan within)
    {
        using var wait = new CancellationTokenSource(within);
        var buffer = new byte[4096];
        try
        {
            var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), wait.Token);
            return buffer[..received.ReceivedBytes];
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>The metrics once <paramref name="done"/> holds of them, or after a minute (a bound for a busy machine).</summary>
    private static async Task<Dictionary<string, double>> WaitForAsync(HttpClient client, Func<Dictionary<string, double>, bool> done)
    {
        var metrics = await MetricsPage.ReadAsync(client, "fleetmonitor_reflector_sip_mirror_");
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!done(metrics) && waited.Elapsed < UdpReplies.Bound)
        {
            await Task.Delay(100);
            metrics = await MetricsPage.ReadAsync(client, "fleetmonitor_reflector_sip_mirror_");
        }

        return metrics;
    }
}
