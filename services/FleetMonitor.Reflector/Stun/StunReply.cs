using System.Net;

namespace FleetMonitor.Reflector.Stun;

/// <summary>A response the STUN server sends: its bytes, the server socket it leaves from, and where it goes.</summary>
internal sealed record StunReply(byte[] Datagram, IPEndPoint From, IPEndPoint To, int? ErrorCode, StunRequestFeatures Features);
