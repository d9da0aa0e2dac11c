namespace FleetMonitor.Reflector.Stun;

/// <summary>What the STUN server does with one datagram: send <see cref="Reply"/>, or drop it for <see cref="DropReason"/>.</summary>
internal readonly record struct StunHandling(StunReply? Reply, string? DropReason)
{
    public static StunHandling Drop(string reason) => new(null, reason);

    public static StunHandling Send(StunReply reply) => new(reply, null);
}
