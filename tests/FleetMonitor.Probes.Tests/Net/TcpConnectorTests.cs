using System.Net;
using System.Net.Sockets;
using FleetMonitor.Probes.Net;
using FleetMonitor.Probes.Tests.Support;

namespace FleetMonitor.Probes.Tests.Net;

/// <summary>
/// The error classification. Timeouts, unreachable networks and resolver failures cannot be produced honestly on
/// loopback, so they are checked from the operating system's error codes; a refusal is also checked for real.
/// </summary>
public sealed class TcpConnectorTests
{
    private static readonly IPEndPoint Peer = new(IPAddress.Parse("192.0.2.10"), 5061);

    [Theory]
    [InlineData(SocketError.ConnectionRefused, FindingCodes.TcpRefused)]
    [InlineData(SocketError.TimedOut, FindingCodes.TcpTimeout)]
    [InlineData(SocketError.HostUnreachable, FindingCodes.TcpUnreachable)]
    [InlineData(SocketError.NetworkUnreachable, FindingCodes.TcpUnreachable)]
    [InlineData(SocketError.NetworkDown, FindingCodes.TcpUnreachable)]
    [InlineData(SocketError.AccessDenied, FindingCodes.TcpConnectFailed)]
    public void Connect_errors_map_to_findings(SocketError error, string finding)
    {
        var failure = TcpConnector.ClassifyConnect(Peer, new SocketException((int)error));

        Assert.Equal(finding, failure.Finding);
        Assert.Contains("192.0.2.10:5061", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SocketError.HostNotFound, FindingCodes.DnsNotFound)]
    [InlineData(SocketError.NoData, FindingCodes.DnsNotFound)]
    [InlineData(SocketError.TryAgain, FindingCodes.DnsFailed)]
    [InlineData(SocketError.NoRecovery, FindingCodes.DnsFailed)]
    public void Resolver_errors_map_to_findings(SocketError error, string finding)
    {
        var failure = TcpConnector.ClassifyDns("pbx.example.com", new SocketException((int)error));

        Assert.Equal(finding, failure.Finding);
        Assert.Contains("pbx.example.com", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refusal_on_one_address_is_reported_over_nothing()
    {
        var refused = LoopbackPorts.Closed();

        var result = await TcpConnector.ConnectAsync([IPAddress.Loopback], refused, CancellationToken.None);

        Assert.Null(result.Socket);
        Assert.Equal(FindingCodes.TcpRefused, result.Failure?.Finding);
    }

    [Fact]
    public async Task Tries_the_next_address_when_the_first_refuses()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;

            // Nothing listens on ::1 at this port, so the first attempt is refused.
            var result = await TcpConnector.ConnectAsync([IPAddress.IPv6Loopback, IPAddress.Loopback], port, CancellationToken.None);

            using var socket = result.Socket;
            Assert.NotNull(socket);
            Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), result.RemoteEndPoint);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task An_address_literal_is_not_looked_up()
    {
        var result = await TcpConnector.ResolveAsync("::1", CancellationToken.None);

        Assert.False(result.LookedUp);
        Assert.Equal([IPAddress.IPv6Loopback], result.Addresses);
    }
}
