namespace FleetMonitor.Protocols.Sip;

/// <summary>
/// What <see cref="SipResponseParser"/> made of some bytes: a response and how many bytes it took (on a stream, where
/// the next message follows), or why it is malformed.
/// </summary>
internal sealed record SipParseResult(SipParseStatus Status, SipResponse? Response, int Consumed, string? Error)
{
    public static SipParseResult Incomplete { get; } = new(SipParseStatus.Incomplete, null, 0, null);

    public static SipParseResult Malformed(string error) => new(SipParseStatus.Malformed, null, 0, error);
}
