using System.Buffers.Binary;
using System.Net;
using System.Text;
using System.Text.Unicode;

namespace FleetMonitor.Protocols.Stun;

/// <summary>
/// A strict STUN parser (RFC 8489, RFC 5780 attributes). Any malformed datagram gives a <see cref="StunParseError"/>,
/// never an exception. It reads a <see cref="ReadOnlySpan{T}"/> in one bounded pass, then allocates only for a message
/// it accepts, in proportion to the datagram: at most <see cref="MaxAttributes"/> attributes, each object no larger than
/// the bytes it came from.
/// </summary>
public static class StunMessageParser
{
    public const int HeaderLength = 20;

    public const uint MagicCookie = 0x2112A442;

    /// <summary>
    /// The most attributes a message may carry. A Binding message in this project has at most ten (the four addresses,
    /// CHANGE-REQUEST, RESPONSE-PORT, PADDING, USERNAME, SOFTWARE, MESSAGE-INTEGRITY, FINGERPRINT); an ICE check about
    /// eight. The cap bounds the work and the bookkeeping, which lives on the stack.
    /// </summary>
    public const int MaxAttributes = 32;

    /// <summary>The longest text value accepted (RFC 8489 §14.3, §14.8, §14.14: "763 bytes when decoding them").</summary>
    public const int MaxTextBytes = 763;

    /// <summary>SOFTWARE and reason phrases have "fewer than 128 characters" (RFC 8489 §14.8, §14.14).</summary>
    public const int MaxTextCharacters = 127;

    /// <summary>Parses a datagram without checking MESSAGE-INTEGRITY (use <see cref="StunMessage.VerifyIntegrity"/> once the key is known).</summary>
    public static StunParseResult Parse(ReadOnlySpan<byte> datagram) => Parse(datagram, default, requireIntegrity: false);

    /// <summary>Parses a datagram that must carry a MESSAGE-INTEGRITY matching <paramref name="key"/>.</summary>
    public static StunParseResult ParseAuthenticated(ReadOnlySpan<byte> datagram, ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty)
            throw new ArgumentException("An empty key authenticates nothing.", nameof(key));
        return Parse(datagram, key, requireIntegrity: true);
    }

    private static StunParseResult Parse(ReadOnlySpan<byte> datagram, ReadOnlySpan<byte> key, bool requireIntegrity)
    {
        if (datagram.Length < HeaderLength)
            return Fail(StunParseError.TooShort, 0);
        if ((datagram[0] & 0xC0) != 0)
            return Fail(StunParseError.NotStun, 0);
        if (BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) != MagicCookie)
            return Fail(StunParseError.BadMagicCookie, 4);
        var bodyLength = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        if (bodyLength % 4 != 0)
            return Fail(StunParseError.LengthNotMultipleOfFour, 2);
        var end = HeaderLength + bodyLength;
        if (datagram.Length < end)
            return Fail(StunParseError.Truncated, 2);
        if (datagram.Length > end)
            return Fail(StunParseError.TrailingBytes, end);

        // Pass 1: walk and validate every attribute, remembering where each starts. Nothing is allocated, so a
        // datagram refused here (the common case under attack) costs no garbage.
        Span<int> offsets = stackalloc int[MaxAttributes];
        var count = 0;
        var seen = 0u;
        var integrityOffset = -1;
        var fingerprintOffset = -1;
        var offset = HeaderLength;
        while (offset < end)
        {
            // Offsets and the end are multiples of 4, so a whole attribute header is always there; check anyway.
            if (end - offset < 4)
                return Fail(StunParseError.AttributeOverrun, offset);
            var type = BinaryPrimitives.ReadUInt16BigEndian(datagram[offset..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[(offset + 2)..]);
            if (fingerprintOffset >= 0)
                return Fail(StunParseError.FingerprintNotLast, offset, type);

            // RFC 8489 §14.5 has receivers ignore what follows MESSAGE-INTEGRITY (but FINGERPRINT and
            // MESSAGE-INTEGRITY-SHA256); unauthenticated attributes are refused here instead of silently dropped.
            if (integrityOffset >= 0 && type is not (StunAttributeType.Fingerprint or StunAttributeType.MessageIntegritySha256))
                return Fail(StunParseError.AttributeAfterIntegrity, offset, type);
            if (count == MaxAttributes)
                return Fail(StunParseError.TooManyAttributes, offset, type);
            var padded = (length + 3) & ~3;
            if (padded > end - offset - 4)
                return Fail(StunParseError.AttributeOverrun, offset, type);

            var slot = StunAttributeType.Slot(type);
            if (slot >= 0)
            {
                if ((seen & (1u << slot)) != 0)
                    return Fail(StunParseError.DuplicateAttribute, offset, type);
                seen |= 1u << slot;
            }

            var error = Validate(type, datagram.Slice(offset + 4, length));
            if (error != StunParseError.None)
                return Fail(error, offset, type);
            if (type == StunAttributeType.MessageIntegrity)
                integrityOffset = offset;
            else if (type == StunAttributeType.Fingerprint)
                fingerprintOffset = offset;

            offsets[count++] = offset;
            offset += 4 + padded;
        }

        // FINGERPRINT is last, so the header length already counts it, as its CRC input requires (RFC 8489 §14.7).
        if (fingerprintOffset >= 0
            && BinaryPrimitives.ReadUInt32BigEndian(datagram[(fingerprintOffset + 4)..]) != StunFingerprint.Compute(datagram[..fingerprintOffset]))
            return Fail(StunParseError.FingerprintMismatch, fingerprintOffset, StunAttributeType.Fingerprint);

        if (requireIntegrity)
        {
            if (integrityOffset < 0)
                return Fail(StunParseError.IntegrityMissing, end);
            if (!StunIntegrity.Verify(datagram, integrityOffset, key))
                return Fail(StunParseError.IntegrityMismatch, integrityOffset, StunAttributeType.MessageIntegrity);
        }

        return new StunParseResult(Materialise(datagram, offsets[..count], integrityOffset, fingerprintOffset >= 0));
    }

    private static StunParseError Validate(ushort type, ReadOnlySpan<byte> value)
    {
        switch (type)
        {
            case StunAttributeType.MappedAddress:
            case StunAttributeType.XorMappedAddress:
            case StunAttributeType.OtherAddress:
            case StunAttributeType.ResponseOrigin:
                return StunAddressCodec.Validate(value);

            // RFC 5780 §7.2 (32 bits, flags A and B), §7.5 (16-bit port and 2 bytes of padding); RFC 8489 §14.7 (32 bits).
            case StunAttributeType.ChangeRequest:
            case StunAttributeType.ResponsePort:
            case StunAttributeType.Fingerprint:
                return value.Length == 4 ? StunParseError.None : StunParseError.BadAttributeLength;

            case StunAttributeType.MessageIntegrity:
                return value.Length == StunIntegrity.HmacLength ? StunParseError.None : StunParseError.BadAttributeLength;

            // RFC 8489 §14.3: fewer than 509 bytes to send, up to 763 to accept (RFC 5389's limit); OpaqueString
            // forbids an empty one.
            case StunAttributeType.Username:
                if (value.Length > MaxTextBytes)
                    return StunParseError.BadAttributeLength;
                return value.Length > 0 && Utf8.IsValid(value) ? StunParseError.None : StunParseError.InvalidText;

            case StunAttributeType.Software:
                return ValidateText(value);

            // RFC 8489 §14.8: 21 reserved bits (ignored), a 3-bit class 3-6, an 8-bit number 0-99, then the reason.
            case StunAttributeType.ErrorCode:
                if (value.Length is < 4 or > 4 + MaxTextBytes)
                    return StunParseError.BadAttributeLength;
                var errorClass = value[2] & 0x07;
                if (errorClass is < 3 or > 6 || value[3] > 99)
                    return StunParseError.BadErrorCode;
                return ValidateText(value[4..]);

            // RFC 8489 §14.13: a list of 16-bit types.
            case StunAttributeType.UnknownAttributes:
                return value.Length % 2 == 0 ? StunParseError.None : StunParseError.BadAttributeLength;

            // PADDING's content and length are free (RFC 5780 §7.6); other types are carried raw.
            default:
                return StunParseError.None;
        }
    }

    private static StunParseError ValidateText(ReadOnlySpan<byte> value)
    {
        if (value.Length > MaxTextBytes)
            return StunParseError.BadAttributeLength;
        if (!Utf8.IsValid(value))
            return StunParseError.InvalidText;

        // In valid UTF-8 every character has exactly one byte that is not a continuation byte (10xxxxxx).
        var characters = 0;
        foreach (var b in value)
        {
            if ((b & 0xC0) != 0x80)
                characters++;
        }

        return characters <= MaxTextCharacters ? StunParseError.None : StunParseError.InvalidText;
    }

    // Pass 2: every attribute has been validated, so nothing here can fail.
    private static StunMessage Materialise(ReadOnlySpan<byte> datagram, ReadOnlySpan<int> offsets, int integrityOffset, bool hasFingerprint)
    {
        var xorKey = datagram[4..HeaderLength];
        IPEndPoint? mapped = null;
        IPEndPoint? xorMapped = null;
        IPEndPoint? other = null;
        IPEndPoint? responseOrigin = null;
        StunChangeRequest? changeRequest = null;
        int? responsePort = null;
        int? paddingLength = null;
        string? username = null;
        string? software = null;
        StunErrorCode? errorCode = null;
        ushort[]? unknownAttributes = null;
        List<StunRawAttribute>? others = null;

        foreach (var offset in offsets)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(datagram[offset..]);
            var value = datagram.Slice(offset + 4, BinaryPrimitives.ReadUInt16BigEndian(datagram[(offset + 2)..]));
            switch (type)
            {
                case StunAttributeType.MappedAddress:
                    mapped = StunAddressCodec.Read(value, xorKey, xor: false);
                    break;
                case StunAttributeType.XorMappedAddress:
                    xorMapped = StunAddressCodec.Read(value, xorKey, xor: true);
                    break;
                case StunAttributeType.OtherAddress:
                    other = StunAddressCodec.Read(value, xorKey, xor: false);
                    break;
                case StunAttributeType.ResponseOrigin:
                    responseOrigin = StunAddressCodec.Read(value, xorKey, xor: false);
                    break;
                case StunAttributeType.ChangeRequest:
                    changeRequest = (StunChangeRequest)(BinaryPrimitives.ReadUInt32BigEndian(value)
                        & (uint)(StunChangeRequest.ChangeIp | StunChangeRequest.ChangePort));
                    break;
                case StunAttributeType.ResponsePort:
                    responsePort = BinaryPrimitives.ReadUInt16BigEndian(value);
                    break;
                case StunAttributeType.Padding:
                    paddingLength = value.Length;
                    break;
                case StunAttributeType.Username:
                    username = Encoding.UTF8.GetString(value);
                    break;
                case StunAttributeType.Software:
                    software = Encoding.UTF8.GetString(value);
                    break;
                case StunAttributeType.ErrorCode:
                    errorCode = new StunErrorCode((value[2] & 0x07) * 100 + value[3], Encoding.UTF8.GetString(value[4..]));
                    break;
                case StunAttributeType.UnknownAttributes:
                    unknownAttributes = new ushort[value.Length / 2];
                    for (var i = 0; i < unknownAttributes.Length; i++)
                        unknownAttributes[i] = BinaryPrimitives.ReadUInt16BigEndian(value[(2 * i)..]);
                    break;
                case StunAttributeType.MessageIntegrity:
                case StunAttributeType.Fingerprint:
                    break;
                default:
                    (others ??= new List<StunRawAttribute>(4)).Add(new StunRawAttribute(type, value.ToArray()));
                    break;
            }
        }

        return new StunMessage(
            StunMessageType.Decode(BinaryPrimitives.ReadUInt16BigEndian(datagram)),
            new StunTransactionId(datagram.Slice(8, StunTransactionId.Length)),
            datagram.Length,
            integrityOffset)
        {
            MappedAddress = mapped,
            XorMappedAddress = xorMapped,
            OtherAddress = other,
            ResponseOrigin = responseOrigin,
            ChangeRequest = changeRequest,
            ResponsePort = responsePort,
            PaddingLength = paddingLength,
            Username = username,
            Software = software,
            ErrorCode = errorCode,
            UnknownAttributes = unknownAttributes,
            HasFingerprint = hasFingerprint,
            OtherAttributes = others ?? (IReadOnlyList<StunRawAttribute>)[],
        };
    }

    private static StunParseResult Fail(StunParseError error, int offset, ushort attributeType = 0) => new(error, offset, attributeType);
}
