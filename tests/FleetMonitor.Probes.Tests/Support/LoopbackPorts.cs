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
}
