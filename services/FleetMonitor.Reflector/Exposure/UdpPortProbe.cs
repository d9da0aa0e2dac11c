using System.Net;
using System.Net.Sockets;

namespace FleetMonitor.Reflector.Exposure;

/// <summary>One UDP port of a scan across its rounds: its place in the result, its connected socket and the payload it sends.</summary>
internal sealed class UdpPortProbe(int index, IPEndPoint remote, Socket socket)
{
    public int Index { get; } = index;

    public IPEndPoint Remote { get; } = remote;

    public Socket Socket { get; } = socket;

    /// <summary>Set once the socket is connected (the payload names its local port).</summary>
    public UdpPayload? Payload { get; set; }
}
