namespace FleetMonitor.Probes.Nat;

/// <summary>
/// RFC 8489 §6.2.1 retransmission over UDP: the request is sent up to <see cref="Transmissions"/> (Rc) times, the
/// wait after each doubling from <see cref="Rto"/>, and after the last the client waits <see cref="LastWaitFactor"/>
/// (Rm) times the initial RTO before it gives up. The defaults (500 ms, 7, 16) send at 0, 0.5, 1.5, 3.5, 7.5, 15.5 and
/// 31.5 s and give up at 39.5 s.
/// </summary>
internal sealed record RetransmissionSchedule(TimeSpan Rto, int Transmissions, int LastWaitFactor)
{
    public static RetransmissionSchedule Default { get; } = new(TimeSpan.FromMilliseconds(500), 7, 16);

    /// <summary>How long to wait for an answer after transmission <paramref name="index"/> (0-based) before the next one, or giving up after the last.</summary>
    public TimeSpan WaitAfter(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Transmissions);
        return index == Transmissions - 1 ? Rto * LastWaitFactor : Rto * (1L << index);
    }

    /// <summary>When transmission <paramref name="index"/> is sent, from the first.</summary>
    public TimeSpan SendOffset(int index)
    {
        var offset = TimeSpan.Zero;
        for (var i = 0; i < index; i++)
            offset += WaitAfter(i);
        return offset;
    }

    /// <summary>When the client gives up, from the first transmission.</summary>
    public TimeSpan GiveUpAfter => SendOffset(Transmissions - 1) + WaitAfter(Transmissions - 1);

    /// <summary>
    /// Transmissions that make a silence conclusive when the deadline cuts the schedule short: three, since the third
    /// is sent only after the first two each waited their RTO in vain, so one lost packet cannot be the whole story.
    /// A schedule of fewer is conclusive only when it ran to the end.
    /// </summary>
    public const int ConclusiveTransmissions = 3;

    /// <summary>How long a transaction needs before its silence can be conclusive: until the third transmission (or the whole schedule when shorter).</summary>
    public TimeSpan ConclusiveAfter => Transmissions >= ConclusiveTransmissions ? SendOffset(ConclusiveTransmissions - 1) : GiveUpAfter;

    /// <summary>Whether a transaction that got no answer after <paramref name="sent"/> transmissions may count as "no answer".</summary>
    public static bool IsConclusive(int sent, bool ranToEnd) => ranToEnd || sent >= ConclusiveTransmissions;
}
