using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FleetMonitor.Contracts;
using FleetMonitor.Probes;
using FleetMonitor.Probes.Nat;
using FleetMonitor.Protocols.Stun;
using FleetMonitor.Reflector.Stun;
using FleetMonitor.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using FleetMonitor.Reflector.Tests.Support;

namespace FleetMonitor.Reflector.Tests.Stun;

/// <summary>
/// The Reflector's own Program, in-process, with its STUN server on 127.0.0.1 and 127.0.0.2 (two loopback addresses, no
/// NAT between): the real sockets, the real nat probe against them, and the metrics.
/// </summary>
public sealed class StunServerHostTests
{
    [Fact]
    public async Task The_nat_probe_finds_no_nat_and_open_filtering_on_loopback()
    {
        var ports = FreePorts();
        await using var factory = Reflector(ports);
        var server = Assert.IsType<StunServer>(factory.Services.GetRequiredService<StunServer>());
        Assert.Equal(4, server.LocalEndpoints.Count);

        var observation = await new NatProbe().RunAsync(
            new ProbeRequest
            {
                Target = $"127.0.0.1:{ports.Primary}",
                // The probe ends once decided (a 2 s lifetime search): the budget only bounds a busy machine.
                Timeout = TimeSpan.FromSeconds(60),
                Parameters = new Dictionary<string, string>
                {
                    ["username"] = StunRequestHandlerTests.Username,
                    ["password"] = StunRequestHandlerTests.Password,
                    ["max_lifetime_s"] = "2",
                },
            },
            CancellationToken.None);

        Assert.Equal(ProbeOutcome.Degraded, observation.Outcome);
        Assert.Equal("open", observation.Facts["nat_type"]);
        Assert.Equal("false", observation.Facts["nat_present"]);
        Assert.Equal(observation.Facts["local_address"], observation.Facts["mapped_address"]);
        Assert.Equal($"127.0.0.2:{ports.Alternate}", observation.Facts["other_address"]);
        Assert.Equal("not_applicable", observation.Facts["hairpinning"]);
        Assert.Equal(
            [FindingCodes.NatNone, FindingCodes.NatFilteringEndpointIndependent, FindingCodes.ExposureNatFilteringOpen],
            observation.Findings);
        Assert.Equal("outlived_search", observation.Facts["binding_lifetime"]);
        Assert.Equal(2, observation.Measurements["binding_lifetime_s"]);
    }

    [Fact]
    public async Task Without_credentials_the_probe_knows_the_mapping_and_says_why_it_does_not_know_the_rest()
    {
        var ports = FreePorts();
        await using var factory = Reflector(ports);
        using var client = factory.CreateClient();
        var before = await MetricsPage.ReadAsync(client, "fleetmonitor_reflector_stun_");

        var observation = await new NatProbe().RunAsync(
            new ProbeRequest
            {
                Target = $"127.0.0.1:{ports.Primary}",
                // The probe ends once decided (a 2 s lifetime search): the budget only bounds a busy machine.
                Timeout = TimeSpan.FromSeconds(60),
                Parameters = new Dictionary<string, string> { ["max_lifetime_s"] = "2" },
            },
            CancellationToken.None);

        Assert.Equal(ProbeOutcome.Error, observation.Outcome);
        Assert.Contains(FindingCodes.NatUnauthorized, observation.Findings);
        Assert.Equal("none", observation.Facts["nat_mapping"]);
        Assert.Equal("unknown", observation.Facts["nat_filtering"]);
        Assert.Equal("not_measured", observation.Facts["binding_lifetime"]);
        var after = await MetricsPage.ReadAsync(client, "fleetmonitor_reflector_stun_");
        Assert.True(MetricsPage.Delta(before, after, "fleetmonitor_reflector_stun_errors_total{code=\"401\"}") >= 3);
    }

    [Fact]
    public async Task Answers_from_the_socket_the_flags_name_and_counts_it()
    {
        var ports = FreePorts();
        await using var factory = Reflector(ports);
        using var client = factory.CreateClient();
        var before = await MetricsPage.ReadAsync(client, "fleetmonitor_reflector_stun_");
        using var socket = Socket();

        var request = StunRequestHandlerTests.Request(change: StunChangeRequest.ChangeIp | StunChangeRequest.ChangePort, authenticate: true).ToArray();
        var (reply, from) = await ExchangeAsync(socket, new IPEndPoint(IPAddress.Loopback, ports.Primary), request);

        Assert.Equal(new IPEndPoint(IPAddress.Parse("127.0.0.2"), ports.Alternate), from);
        Assert.True(StunMessageParser.ParseAuthenticated(reply, StunShortTermKey.FromPassword(StunRequestHandlerTests.Password)).IsSuccess);
        var after = await MetricsPage.ReadAsync(client, "fleetmonitor_reflector_stun_");
        Assert.Equal(1, MetricsPage.Delta(before, after, "fleetmonitor_reflector_stun_requests_total{result=\"success\"}"));
        Assert.Equal(1, MetricsPage.Delta(before, after, "fleetmonitor_reflector_stun_behaviour_requests_total{behaviour=\"change_ip\"}"));
        Assert.Equal(1, MetricsPage.Delta(before, after, "fleetmonitor_reflector_stun_behaviour_requests_total{behaviour=\"authenticated\"}"));
        Assert.Equal(reply.Length, MetricsPage.Delta(before, after, "fleetmonitor_reflector_stun_bytes_total{direction=\"sent\"}"));
    }

    [Fact]
    public async Task Rate_limits_each_source()
    {
        var ports = FreePorts();
        await using var factory = Reflector(ports, ("Reflector:Stun:PacketsPerSecondPerSource", "0.1"), ("Reflector:Stun:BurstPerSource", "5"));
        using var client = factory.CreateClient();
        var before = await MetricsPage.ReadAsync(client, "fleetmonitor_reflector_stun_");
        using var socket = Socket();

        for (var i = 0; i < 20; i++)
            await socket.SendToAsync(StunRequestHandlerTests.Request().ToArray(), SocketFlags.None, new IPEndPoint(IPAddress.Loopback, ports.Primary));
        const string Dropped = "fleetmonitor_reflector_stun_dropped_total{reason=\"rate_limited\"}";
        var replies = await UdpReplies.CountAsync(
            socket, 5, async () => MetricsPage.Delta(before, await MetricsPage.ReadAsync(client, "fleetmonitor_reflector_stun_"), Dropped) >= 15);

        Assert.Equal(5, replies);
        var after = await MetricsPage.ReadAsync(client, "fleetmonitor_reflector_stun_");
        Assert.Equal(15, MetricsPage.Delta(before, after, Dropped));
    }

    [Fact]
    public async Task An_address_the_host_does_not_have_stops_the_start()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Reflector:Echo:Endpoints:0"] = "127.0.0.1:0",
            ["Reflector:Stun:PrimaryAddress"] = "192.0.2.1",
            ["Reflector:Stun:AlternateAddress"] = "192.0.2.2",
        });
        builder.AddServiceDefaults();
        builder.AddFleetMonitorReflector();
        await using var app = builder.Build();

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("192.0.2.1:3478", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Off_by_default()
    {
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting("Reflector:Echo:Endpoints:0", "127.0.0.1:0"));
        _ = factory.CreateClient();

        Assert.Empty(factory.Services.GetRequiredService<StunServer>().LocalEndpoints);
    }

    private static WebApplicationFactory<Program> Reflector((int Primary, int Alternate) ports, params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Reflector:Echo:Endpoints:0", "127.0.0.1:0");
            // In memory there is no management port: /metrics and /health on the one address.
            builder.UseSetting(ManagementEndpoint.SettingKey, "");
            builder.UseSetting("Reflector:Stun:PrimaryAddress", "127.0.0.1");
            builder.UseSetting("Reflector:Stun:AlternateAddress", "127.0.0.2");
            builder.UseSetting("Reflector:Stun:PrimaryPort", ports.Primary.ToString(CultureInfo.InvariantCulture));
            builder.UseSetting("Reflector:Stun:AlternatePort", ports.Alternate.ToString(CultureInfo.InvariantCulture));
            builder.UseSetting("Reflector:Agents:Credentials:0:Username", StunRequestHandlerTests.Username);
            builder.UseSetting("Reflector:Agents:Credentials:0:Password", StunRequestHandlerTests.Password);
            foreach (var (key, value) in settings)
                builder.UseSetting(key, value);
        });

    /// <summary>
    /// Two ports free on both 127.0.0.1 and 127.0.0.2 (checked by binding all four, then released), below Linux's
    /// ephemeral range (32768-60999) so that no other test's client socket takes one meanwhile.
    /// </summary>
    private static (int Primary, int Alternate) FreePorts()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var primary = Random.Shared.Next(20000, 32000);
            var alternate = primary + 1;
            var sockets = new List<Socket>();
            try
            {
                foreach (var address in new[] { "127.0.0.1", "127.0.0.2" })
                {
                    foreach (var port in new[] { primary, alternate })
                    {
                        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                        sockets.Add(socket);
                        socket.Bind(new IPEndPoint(IPAddress.Parse(address), port));
                    }
                }

                return (primary, alternate);
            }
            catch (SocketException)
            {
            }
            finally
            {
                foreach (var socket in sockets)
                    socket.Dispose();
            }
        }

        throw new InvalidOperationException("no two free UDP ports on 127.0.0.1 and 127.0.0.2 after 50 tries");
    }

    /// <summary>A client socket from a port above the server's minimum source port (1024).</summary>
    private static Socket Socket()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static async Task<(byte[] Reply, IPEndPoint From)> ExchangeAsync(Socket socket, IPEndPoint to, byte[] request)
    {
        await socket.SendToAsync(request, SocketFlags.None, to);
        using var wait = new CancellationTokenSource(UdpReplies.Bound);
        var buffer = new byte[2048];
        var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), wait.Token);
        return (buffer[..received.ReceivedBytes], (IPEndPoint)received.RemoteEndPoint);
    }
}
