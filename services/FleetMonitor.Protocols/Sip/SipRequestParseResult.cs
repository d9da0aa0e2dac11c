namespace FleetMonitor.Protocols.Sip;

/// <summary>
/// What <see cref="SipRequestParser"/> made of some bytes: a request and how many bytes it took (on a stream, where the
/// next message follows), or why it is malformed.
/// </summary>
internal sealed record SipRequestParseResult(SipParseStatus Status, SipRequest? Request, int Consumed, string? Error)
{
    public static SipRequestParseResult Incomplete { get; } = new(SipParseStatus.Incomplete, null, 0, null);

    public static SipRequestParseResult Malformed(string error) => new(SipParseStatus.Malformed, null, 0, error);
}
