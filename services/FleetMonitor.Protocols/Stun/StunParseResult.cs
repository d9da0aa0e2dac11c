using System.Diagnostics.CodeAnalysis;

namespace FleetMonitor.Protocols.Stun;

/// <summary>What <see cref="StunMessageParser"/> made of a datagram: the message, or the first thing wrong with it and where.</summary>
/// <remarks>A value type whose failure carries no string, so that refusing garbage allocates nothing; <see cref="Detail"/> builds the sentence on demand.</remarks>
public readonly record struct StunParseResult
{
    internal StunParseResult(StunMessage message) => Message = message;

    internal StunParseResult(StunParseError error, int offset, ushort attributeType)
    {
        Error = error;
        Offset = offset;
        AttributeType = attributeType;
    }

    /// <summary>The parsed message, when <see cref="IsSuccess"/>.</summary>
    public StunMessage? Message { get; }

    public StunParseError Error { get; }

    /// <summary>The byte offset of the header field or attribute where the problem was found.</summary>
    public int Offset { get; }

    /// <summary>The type of the attribute at fault, or 0 when the problem is in the header.</summary>
    public ushort AttributeType { get; }

    [MemberNotNullWhen(true, nameof(Message))]
    public bool IsSuccess => Message is not null;

    /// <summary>A sentence for logs and findings.</summary>
    public string Detail
    {
        get
        {
            var what = Error switch
            {
                StunParseError.None => "parsed",
                StunParseError.TooShort => "shorter than the 20-byte STUN header",
                StunParseError.NotStun => "the first two bits are not zero: not a STUN message",
                StunParseError.BadMagicCookie => "the magic cookie is not 0x2112A442",
                StunParseError.LengthNotMultipleOfFour => "the message length is not a multiple of 4",
                StunParseError.Truncated => "the datagram is shorter than the message length says",
                StunParseError.TrailingBytes => "the datagram is longer than the message length says",
                StunParseError.TooManyAttributes => $"more than {StunMessageParser.MaxAttributes} attributes",
                StunParseError.AttributeOverrun => "the attribute runs past the end of the message",
                StunParseError.BadAttributeLength => "the attribute's length is wrong for its type",
                StunParseError.BadAddressFamily => "the address family is neither IPv4 (1) nor IPv6 (2)",
                StunParseError.BadErrorCode => "the error class is not 3-6 or the number is above 99",
                StunParseError.InvalidText => "the text is not UTF-8, is empty, or is too long",
                StunParseError.DuplicateAttribute => "the attribute appears twice",
                StunParseError.AttributeAfterIntegrity => "an attribute follows MESSAGE-INTEGRITY",
                StunParseError.FingerprintNotLast => "an attribute follows FINGERPRINT",
                StunParseError.FingerprintMismatch => "FINGERPRINT does not match the message's CRC-32",
                StunParseError.IntegrityMissing => "no MESSAGE-INTEGRITY although a key was given",
                StunParseError.IntegrityMismatch => "MESSAGE-INTEGRITY does not match the key",
                _ => Error.ToString(),
            };
            return AttributeType == 0 || Error == StunParseError.None
                ? $"{what} (byte {Offset})"
                : $"{StunAttributeType.Name(AttributeType)} at byte {Offset}: {what}";
        }
    }
}
