using System.Net;
using FleetMonitor.Protocols.Stun;

namespace FleetMonitor.Probes.Nat;

/// <summary>A STUN message one of the probe's sockets received: the message, who sent it, and when (a <see cref="TimeProvider"/> timestamp).</summary>
internal sealed record StunReceived(StunMessage Message, IPEndPoint From, long At);
