using System.Net;
using System.Net.Sockets;
using FleetMonitor.Contracts;
using FleetMonitor.Probes.Nat;
using FleetMonitor.Protocols.Stun;

namespace FleetMonitor.Probes.Tests.Nat;

/// <summary>The probe's own checks and its behaviour against a plain (RFC 8489-only) STUN server on loopback; RFC 5780 runs are the Reflector's netns tests.</summary>
public sealed class NatProbeTests
{
    [Theory]
    [InlineData("example.org")]
    [InlineData("example.org:0")]
    [InlineData("::1:3478")]
    public async Task Invalid_targets_are_errors(string target)
    {
        var observation = await new NatProbe().RunAsync(new ProbeRequest { Target = target }, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Error, observation.Outcome);
        Assert.Equal([FindingCodes.InvalidTarget], observation.Findings);
    }

    [Fact]
    public async Task Invalid_parameters_are_errors()
    {
        var observation = await new NatProbe().RunAsync(
            new ProbeRequest { Target = "127.0.0.1:3478", Parameters = new Dictionary<string, string> { ["rc"] = "9" } }, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Error, observation.Outcome);
        Assert.Equal([FindingCodes.InvalidParameter], observation.Findings);
    }

    [Fact]
    public async Task Silence_fails_after_the_retransmissions_and_nothing_else_is_tried()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        var observation = await new NatProbe().RunAsync(
            new ProbeRequest
            {
                Target = silent.LocalEndPoint!.ToString()!,
                Timeout = TimeSpan.FromSeconds(10),
                Parameters = new Dictionary<string, string> { ["rto_ms"] = "100", ["rc"] = "3", ["rm"] = "2" },
            },
            CancellationToken.None);

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.NatNoResponse], observation.Findings);
        Assert.Contains("3 transmissions", observation.Error, StringComparison.Ordinal);
        Assert.Equal(1, observation.Measurements["transactions"]);
        Assert.Equal(3, observation.Measurements["stun_packets_sent"]);
        Assert.Equal("unknown", observation.Facts["nat_type"]);
    }

    [Fact]
    public async Task A_plain_stun_server_gives_the_mapped_address_but_no_behaviour()
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var stop = new CancellationTokenSource();
        var serving = ServePlainBindingAsync(server, stop.Token);

        var observation = await new NatProbe().RunAsync(
            new ProbeRequest { Target = server.LocalEndPoint!.ToString()!, Parameters = new Dictionary<string, string> { ["max_lifetime_s"] = "0" } },
            CancellationToken.None);
        await stop.CancelAsync();
        await serving;

        Assert.Equal(ProbeOutcome.Error, observation.Outcome);
        Assert.Contains(FindingCodes.NatServerUnsupported, observation.Findings);
        Assert.Contains(FindingCodes.NatNone, observation.Findings);
        Assert.Equal(observation.Facts["local_address"], observation.Facts["mapped_address"]);
        Assert.Equal("false", observation.Facts["nat_present"]);
        Assert.Equal("unknown", observation.Facts["nat_filtering"]);
    }

    /// <summary>An RFC 8489 server with one address: XOR-MAPPED-ADDRESS only, no OTHER-ADDRESS.</summary>
    private static async Task ServePlainBindingAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[2048];
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var parsed = StunMessageParser.Parse(buffer.AsSpan(0, received.ReceivedBytes));
            if (!parsed.IsSuccess)
                continue;
            var source = (IPEndPoint)received.RemoteEndPoint;
            var response = new StunMessageWriter(StunMessageType.BindingSuccess, parsed.Message.TransactionId).AddXorMappedAddress(source);
            await socket.SendToAsync(response.ToArray(), SocketFlags.None, source, cancellationToken);
        }
    }
}
