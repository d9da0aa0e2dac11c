namespace FleetMonitor.Reflector.SipMirror;

/// <summary>What the mirror does with one SIP message: answer it (with what it found rewritten), absorb an ACK, or drop it.</summary>
internal sealed record SipMirrorDecision(byte[]? Reply, string? DropReason, IReadOnlyList<string> Rewritten)
{
    /// <summary>An ACK of a declined INVITE: it gets no answer (RFC 3261 17.2.1) and is no fault.</summary>
    public static SipMirrorDecision Ack { get; } = new(null, null, []);

    public bool IsAck => Reply is null && DropReason is null;

    public static SipMirrorDecision Answer(byte[] reply, IReadOnlyList<string> rewritten) => new(reply, null, rewritten);

    /// <summary>Not answered, for <paramref name="reason"/> (a <see cref="ReflectorMetrics.SipMirrorDropReason"/> value).</summary>
    public static SipMirrorDecision Drop(string reason) => new(null, reason, []);
}
