using FleetMonitor.Protocols.Stun;

namespace FleetMonitor.Probes.Nat;

/// <summary>
/// How one STUN transaction ended: the answer (and whether it came to the receiving socket rather than the sender),
/// or silence, with the transmissions it took and whether the silence is conclusive. <see cref="Rtt"/> is set only
/// for the server's answer to the sender after a single transmission (Karn: with retransmissions one cannot tell which
/// one was answered).
/// <see cref="FirstSentAt"/> is the first transmission's <see cref="TimeProvider"/> timestamp (null when none went out).
/// </summary>
internal sealed record StunOutcome(StunReceived? Answer, bool OnReceiver, int Transmissions, bool Conclusive, TimeSpan? Rtt)
{
    public long? FirstSentAt { get; init; }

    public bool IsSuccess => Answer?.Message.Type.Class == StunClass.SuccessResponse;

    public int? ErrorCode => Answer?.Message.Type.Class == StunClass.ErrorResponse ? Answer.Message.ErrorCode?.Code ?? 0 : null;

    /// <summary>The silent or unanswerable outcomes as a test result; answers are judged by the caller.</summary>
    public StunTestResult Silence => Conclusive ? StunTestResult.NoResponse : StunTestResult.Inconclusive;

    /// <summary>The test result of an error answer.</summary>
    public StunTestResult Error => ErrorCode == StunErrorCode.Unauthenticated ? StunTestResult.Unauthorized : StunTestResult.ErrorResponse;
}
