using System.Net;
using System.Net.Sockets;

namespace FleetMonitor.Probes.Net;

/// <summary>Resolves and connects in two separate steps, so that probes can time each and name the one that failed.</summary>
internal static class TcpConnector
{
    /// <summary>Resolves <paramref name="host"/>; never throws for a resolver failure or the token firing (that is <c>dns.timeout</c>).</summary>
    public static async Task<ResolveResult> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal))
            return new ResolveResult([literal], LookedUp: false, Failure: null);

        try
        {
            // Qualified: the FleetMonitor.Probes.Dns namespace hides System.Net.Dns inside this library.
            var addresses = await System.Net.Dns.GetHostAddressesAsync(host, cancellationToken);
            var usable = addresses.Where(IsUsable).ToArray();
            return usable.Length > 0
                ? new ResolveResult(usable, LookedUp: true, Failure: null)
                : new ResolveResult([], LookedUp: true, new NetworkFailure(FindingCodes.DnsNotFound, $"{host} has no address this machine can use"));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new ResolveResult([], LookedUp: true, new NetworkFailure(FindingCodes.DnsTimeout, $"resolving {host} did not finish before the deadline"));
        }
        catch (SocketException e)
        {
            return new ResolveResult([], LookedUp: true, ClassifyDns(host, e));
        }
    }

    /// <summary>
    /// Tries the addresses in the resolver's order until one accepts. Never throws for a network failure or the token
    /// firing (that is <c>tcp.timeout</c>); when all fail, the most telling failure is reported.
    /// </summary>
    public static async Task<ConnectResult> ConnectAsync(IReadOnlyList<IPAddress> addresses, int port, CancellationToken cancellationToken)
    {
        NetworkFailure? failure = null;
        foreach (var address in addresses)
        {
            var endpoint = new IPEndPoint(address, port);
            Socket? socket = new(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(endpoint, cancellationToken);
                var connected = socket;
                socket = null;
                return new ConnectResult(connected, endpoint, Failure: null);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return new ConnectResult(null, endpoint, new NetworkFailure(FindingCodes.TcpTimeout, $"connecting to {endpoint} did not finish before the deadline"));
            }
            catch (SocketException e)
            {
                var next = ClassifyConnect(endpoint, e);
                if (failure is null || Weight(next) >= Weight(failure))
                    failure = next;
            }
            finally
            {
                socket?.Dispose();
            }
        }

        return new ConnectResult(null, null, failure ?? new NetworkFailure(FindingCodes.DnsNotFound, "no address to connect to"));
    }

    public static NetworkFailure ClassifyDns(string host, SocketException e) => e.SocketErrorCode switch
    {
        SocketError.HostNotFound or SocketError.NoData =>
            new NetworkFailure(FindingCodes.DnsNotFound, $"{host} was not found by the resolver ({e.SocketErrorCode})"),
        _ => new NetworkFailure(FindingCodes.DnsFailed, $"resolving {host} failed: {e.Message} ({e.SocketErrorCode})"),
    };

    public static NetworkFailure ClassifyConnect(EndPoint endpoint, SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused =>
            new NetworkFailure(FindingCodes.TcpRefused, $"{endpoint} refused the connection"),
        SocketError.TimedOut =>
            new NetworkFailure(FindingCodes.TcpTimeout, $"connecting to {endpoint} timed out"),
        SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.NetworkDown or SocketError.HostDown
            or SocketError.AddressNotAvailable =>
            new NetworkFailure(FindingCodes.TcpUnreachable, $"{endpoint} is unreachable: {e.Message} ({e.SocketErrorCode})"),
        _ => new NetworkFailure(FindingCodes.TcpConnectFailed, $"connecting to {endpoint} failed: {e.Message} ({e.SocketErrorCode})"),
    };

    private static bool IsUsable(IPAddress address) => address.AddressFamily switch
    {
        AddressFamily.InterNetwork => Socket.OSSupportsIPv4,
        AddressFamily.InterNetworkV6 => Socket.OSSupportsIPv6,
        _ => false,
    };

    // With several addresses, a refusal proves the host is there, which says more than another address's silence.
    private static int Weight(NetworkFailure failure) => failure.Finding switch
    {
        FindingCodes.TcpRefused => 3,
        FindingCodes.TcpTimeout => 2,
        FindingCodes.TcpUnreachable => 1,
        _ => 0,
    };
}
