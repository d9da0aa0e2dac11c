using System.Net;
using System.Net.Sockets;

namespace FleetMonitor.Probes.Tests.Support;

/// <summary>Loopback ports for tests.</summary>
internal static class LoopbackPorts
{
    /// <summary>A port that was just bound and released, so nothing listens there: connecting is refused.</summary>
    public static int Closed(IPAddress? address = null)
    {
        var listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>A port free for UDP on <paramref name="address"/> just now, for a peer process to bind.</summary>
    public static int FreeUdp(IPAddress? address = null)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(address ?? IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>A port free for both UDP and TCP just now (SIP and DNS servers listen on both), for a peer process to bind.</summary>
    public static int FreeUdpAndTcp(IPAddress? address = null)
    {
        address ??= IPAddress.Loopback;
        for (var attempt = 0; ; attempt++)
        {
            var port = Closed(address);
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                socket.Bind(new IPEndPoint(address, port));
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
                // Taken for UDP: try another.
            }
        }
    }
}
