using System.Net;
using System.Net.Sockets;
using FleetMonitor.Protocols.Media;
using FleetMonitor.Reflector.Echo;
using FleetMonitor.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using FleetMonitor.Reflector.Tests.Support;

namespace FleetMonitor.Reflector.Tests;

/// <summary>The Reflector's own Program, in-process, with its echo on a loopback port the system picks.</summary>
public sealed class ReflectorHostTests
{
    [Fact]
    public async Task Echoes_probe_packets_drops_the_rest_and_counts_both_on_metrics()
    {
        await using var factory = Reflector();
        using var client = factory.CreateClient();
        var echo = EchoEndpoint(factory);
        var before = await MetricsPage.ReadAsync(client, "fleetmonitor_reflector_");

        using var socket = Socket();
        var reply = await ExchangeAsync(socket, echo, Packet(172, 1), UdpReplies.Bound);
        await socket.SendToAsync("not a probe packet"u8.ToArray(), SocketFlags.None, echo);
        // No reply is looked for once the Reflector has counted the drop, not after a fixed second a busy machine can miss.
        var strayReplies = await UdpReplies.CountAsync(socket, 0, async () =>
            MetricsPage.Delta(before, await MetricsPage.ReadAsync(client, "fleetmonitor_reflector_"), "fleetmonitor_reflector_echo_packets_total{result=\"dropped\"}") >= 1);

        Assert.NotNull(reply);
        Assert.Equal(172, reply.Length);
        Assert.True(MediaPacket.TryRead(reply, out var header) && header.Echoed && header.Sequence == 1);
        Assert.Equal(0, strayReplies);

        var after = await MetricsPage.ReadAsync(client, "fleetmonitor_reflector_");
        Assert.Equal(1, MetricsPage.Delta(before, after, "fleetmonitor_reflector_echo_packets_total{result=\"echoed\"}"));
        Assert.Equal(1, MetricsPage.Delta(before, after, "fleetmonitor_reflector_echo_packets_total{result=\"dropped\"}"));
        Assert.Equal(1, MetricsPage.Delta(before, after, "fleetmonitor_reflector_echo_dropped_total{reason=\"malformed\"}"));
        Assert.Equal(172, MetricsPage.Delta(before, after, "fleetmonitor_reflector_echo_bytes_total{direction=\"sent\"}"));
    }

    [Fact]
    public async Task Rate_limits_each_source()
    {
        await using var factory = Reflector(
            ("Reflector:Echo:PacketsPerSecondPerSource", "0.1"), ("Reflector:Echo:BurstPerSource", "5"));
        using var client = factory.CreateClient();
        var echo = EchoEndpoint(factory);
        var before = await MetricsPage.ReadAsync(client, "fleetmonitor_reflector_");

        using var socket = Socket();
        for (var i = 0u; i < 20; i++)
            await socket.SendToAsync(Packet(172, i), SocketFlags.None, echo);
        const string Dropped = "fleetmonitor_reflector_echo_dropped_total{reason=\"rate_limited\"}";
        var replies = await UdpReplies.CountAsync(
            socket, 5, async () => MetricsPage.Delta(before, await MetricsPage.ReadAsync(client, "fleetmonitor_reflector_"), Dropped) >= 15);

        // A burst of 5; at 0.1 packet/s nothing refills during the test.
        Assert.Equal(5, replies);
        var after = await MetricsPage.ReadAsync(client, "fleetmonitor_reflector_");
        Assert.Equal(15, MetricsPage.Delta(before, after, Dropped));
    }

    [Fact]
    public async Task Serves_health_and_liveness()
    {
        await using var factory = Reflector();
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/alive", UriKind.Relative))).StatusCode);
    }

    // The start failures are tested on a host built here with the same AddFleetMonitorReflector rather than through
    // WebApplicationFactory, which can report a failed start as an ObjectDisposedException instead of its cause.
    [Theory]
    [InlineData("Reflector:Echo:Endpoints:0", "nonsense", "'nonsense'")]
    [InlineData("Reflector:Echo:BurstPerSource", "0", nameof(EchoOptions.BurstPerSource))]
    [InlineData("Reflector:Echo:PacketsPerSecondPerSource", "0", nameof(EchoOptions.PacketsPerSecondPerSource))]
    [InlineData("Reflector:Echo:MinSourcePort", "70000", nameof(EchoOptions.MinSourcePort))]
    public async Task Invalid_options_stop_the_start(string key, string value, string named)
    {
        var error = await StartFailureAsync((key, value));

        var invalid = Assert.IsType<OptionsValidationException>(error);
        Assert.Contains(invalid.Failures, f => f.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_port_in_use_stops_the_start()
    {
        using var holder = Socket();
        var taken = (IPEndPoint)holder.LocalEndPoint!;

        var error = await StartFailureAsync(("Reflector:Echo:Endpoints:0", taken.ToString()));

        Assert.IsType<InvalidOperationException>(error);
        Assert.Contains(taken.ToString(), error.Message, StringComparison.Ordinal);
    }

    private static async Task<Exception> StartFailureAsync(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var configuration = new Dictionary<string, string?> { ["Reflector:Echo:Endpoints:0"] = "127.0.0.1:0" };
        foreach (var (key, value) in settings)
            configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);
        // As Program.cs does.
        builder.AddServiceDefaults();
        builder.AddFleetMonitorReflector();
        await using var app = builder.Build();
        return await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());
    }

    private static WebApplicationFactory<Program> Reflector(params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Reflector:Echo:Endpoints:0", "127.0.0.1:0");
            // In memory there is no management port: /metrics and /health on the one address.
            builder.UseSetting(ManagementEndpoint.SettingKey, "");
            foreach (var (key, value) in settings)
                builder.UseSetting(key, value);
        });

    private static IPEndPoint EchoEndpoint(WebApplicationFactory<Program> factory) =>
        Assert.Single(factory.Services.GetRequiredService<UdpEchoService>().LocalEndpoints);

    private static Socket Socket()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static byte[] Packet(int length, uint sequence)
    {
        var packet = new byte[length];
        MediaPacket.Write(packet, new MediaPacketHeader(0xABCD, sequence, 99));
        return packet;
    }

    private static async Task<byte[]?> ExchangeAsync(Socket socket, IPEndPoint echo, byte[] datagram, TimeSpan within)
    {
        await socket.SendToAsync(datagram, SocketFlags.None, echo);
        using var wait = new CancellationTokenSource(within);
        var buffer = new byte[2048];
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
}
