namespace FleetMonitor.Protocols.Stun;

/// <summary>Why <see cref="StunMessageParser"/> refused a datagram; the first problem found wins.</summary>
public enum StunParseError
{
    /// <summary>No error: the datagram parsed.</summary>
    None = 0,

    /// <summary>Fewer than the 20 bytes of a STUN header.</summary>
    TooShort,

    /// <summary>The two most significant bits of the first byte are not zero (RFC 8489 §5): not STUN at all.</summary>
    NotStun,

    /// <summary>The magic cookie is not 0x2112A442 (an RFC 3489 message, or not STUN).</summary>
    BadMagicCookie,

    /// <summary>The header's message length is not a multiple of 4 (RFC 8489 §5).</summary>
    LengthNotMultipleOfFour,

    /// <summary>The datagram ends before the message length the header announces.</summary>
    Truncated,

    /// <summary>The datagram goes on after the message length the header announces.</summary>
    TrailingBytes,

    /// <summary>More attributes than <see cref="StunMessageParser.MaxAttributes"/>.</summary>
    TooManyAttributes,

    /// <summary>An attribute's value (with its padding) runs past the end of the message.</summary>
    AttributeOverrun,

    /// <summary>An attribute's length is wrong for its type (e.g. CHANGE-REQUEST not 4 bytes, an IPv4 address not 8).</summary>
    BadAttributeLength,

    /// <summary>An address attribute whose family is neither 0x01 (IPv4) nor 0x02 (IPv6).</summary>
    BadAddressFamily,

    /// <summary>An ERROR-CODE whose class is outside 3-6 or whose number is above 99 (RFC 8489 §14.8).</summary>
    BadErrorCode,

    /// <summary>USERNAME, SOFTWARE or a reason phrase that is not UTF-8, is empty where it may not be, or has 128 characters or more.</summary>
    InvalidText,

    /// <summary>A second copy of an attribute this codec interprets.</summary>
    DuplicateAttribute,

    /// <summary>An attribute other than FINGERPRINT (or MESSAGE-INTEGRITY-SHA256) after MESSAGE-INTEGRITY, where nothing is authenticated.</summary>
    AttributeAfterIntegrity,

    /// <summary>FINGERPRINT is not the last attribute (RFC 8489 §14.7).</summary>
    FingerprintNotLast,

    /// <summary>FINGERPRINT does not match the CRC-32 of the message.</summary>
    FingerprintMismatch,

    /// <summary>A key was given but the message has no MESSAGE-INTEGRITY.</summary>
    IntegrityMissing,

    /// <summary>A key was given and MESSAGE-INTEGRITY does not match the HMAC-SHA1 it computes.</summary>
    IntegrityMismatch,
}
