namespace FleetMonitor.Protocols.Sip;

/// <summary>How far <see cref="SipResponseParser"/> got with the bytes it was given.</summary>
internal enum SipParseStatus
{
    /// <summary>A whole, well-formed response.</summary>
    Complete,

    /// <summary>On a stream: the response has not all arrived yet.</summary>
    Incomplete,

    /// <summary>Not a well-formed SIP response; <see cref="SipParseResult.Error"/> says why.</summary>
    Malformed,

    /// <summary>Only the blank lines of a keep-alive (RFC 5626), nothing to parse.</summary>
    KeepAlive,
}
