using System.Net;
using System.Net.Sockets;

namespace FleetMonitor.Probes.Net;

/// <summary>A connected socket (owned by the caller) and its peer, or why no address could be reached.</summary>
internal sealed record ConnectResult(Socket? Socket, IPEndPoint? RemoteEndPoint, NetworkFailure? Failure);
