using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace FleetMonitor.Protocols.Stun;

/// <summary>
/// Builds one STUN message, attribute by attribute, in the order they are added. What it writes always parses: it
/// refuses (with an exception, these being programming errors) values the parser would refuse, a second copy of an
/// interpreted attribute, anything after MESSAGE-INTEGRITY but FINGERPRINT (and MESSAGE-INTEGRITY-SHA256,
/// as RFC 8489 §14.5 allows), and anything after FINGERPRINT.
/// </summary>
public sealed class StunMessageWriter
{
    /// <summary>USERNAME must be "fewer than 509 bytes" (RFC 8489 §14.3).</summary>
    public const int MaxUsernameBytes = 508;

    /// <summary>SOFTWARE and reason phrases "can be as long as 509 bytes when encoding them" (RFC 8489 §14.8, §14.14).</summary>
    public const int MaxTextBytes = 509;

    // The header's 16-bit length counts whole 4-byte words.
    private const int MaxBodyLength = 0xFFFC;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private byte[] _buffer = new byte[256];
    private int _length = StunMessageParser.HeaderLength;
    private uint _written;
    private bool _hasIntegrity;
    private bool _hasFingerprint;

    public StunMessageWriter(StunMessageType type, StunTransactionId transactionId)
    {
        Type = type;
        TransactionId = transactionId;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer, type.Encode());
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(4), StunMessageParser.MagicCookie);
        transactionId.CopyTo(_buffer.AsSpan(8, StunTransactionId.Length));
    }

    public StunMessageType Type { get; }

    public StunTransactionId TransactionId { get; }

    /// <summary>
    /// The byte written after a value whose length is not a multiple of 4. RFC 8489 §14 says zero; RFC 5389 allowed
    /// anything, and the RFC 5769 samples pad with spaces (0x20), which only tests reproducing them need.
    /// </summary>
    internal byte PaddingByte { get; init; }

    /// <summary>The message so far, in bytes, header included.</summary>
    public int Length => _length;

    /// <summary>The message so far; valid until the next Add.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public byte[] ToArray() => WrittenSpan.ToArray();

    public StunMessageWriter AddMappedAddress(IPEndPoint endPoint) => AddAddress(StunAttributeType.MappedAddress, endPoint, xor: false);

    public StunMessageWriter AddXorMappedAddress(IPEndPoint endPoint) => AddAddress(StunAttributeType.XorMappedAddress, endPoint, xor: true);

    public StunMessageWriter AddOtherAddress(IPEndPoint endPoint) => AddAddress(StunAttributeType.OtherAddress, endPoint, xor: false);

    public StunMessageWriter AddResponseOrigin(IPEndPoint endPoint) => AddAddress(StunAttributeType.ResponseOrigin, endPoint, xor: false);

    public StunMessageWriter AddChangeRequest(StunChangeRequest flags)
    {
        if ((flags & ~(StunChangeRequest.ChangeIp | StunChangeRequest.ChangePort)) != 0)
            throw new ArgumentOutOfRangeException(nameof(flags), flags, "CHANGE-REQUEST has only the change-IP and change-port flags.");
        BinaryPrimitives.WriteUInt32BigEndian(Append(StunAttributeType.ChangeRequest, 4), (uint)flags);
        return this;
    }

    public StunMessageWriter AddResponsePort(int port)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, ushort.MaxValue);
        var value = Append(StunAttributeType.ResponsePort, 4);
        BinaryPrimitives.WriteUInt16BigEndian(value, (ushort)port);
        value[2..].Clear();
        return this;
    }

    /// <summary>A PADDING attribute of <paramref name="length"/> zero bytes (RFC 5780 §7.6; it "SHOULD be equal in length to the MTU").</summary>
    public StunMessageWriter AddPadding(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, ushort.MaxValue);
        Append(StunAttributeType.Padding, length).Clear();
        return this;
    }

    public StunMessageWriter AddUsername(string username)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        var length = Utf8Length(username, nameof(username));
        if (length > MaxUsernameBytes)
            throw new ArgumentException($"USERNAME must be fewer than 509 bytes; this one is {length}.", nameof(username));
        Encoding.UTF8.GetBytes(username, Append(StunAttributeType.Username, length));
        return this;
    }

    public StunMessageWriter AddSoftware(string software)
    {
        ArgumentNullException.ThrowIfNull(software);
        var length = TextLength(software, nameof(software));
        Encoding.UTF8.GetBytes(software, Append(StunAttributeType.Software, length));
        return this;
    }

    public StunMessageWriter AddErrorCode(StunErrorCode error)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentOutOfRangeException.ThrowIfLessThan(error.Code, 300);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(error.Code, 699);
        ArgumentNullException.ThrowIfNull(error.Reason);
        var length = TextLength(error.Reason, nameof(error));
        var value = Append(StunAttributeType.ErrorCode, 4 + length);
        value[0] = 0;
        value[1] = 0;
        value[2] = (byte)error.Class;
        value[3] = (byte)error.Number;
        Encoding.UTF8.GetBytes(error.Reason, value[4..]);
        return this;
    }

    public StunMessageWriter AddUnknownAttributes(params ReadOnlySpan<ushort> types)
    {
        var value = Append(StunAttributeType.UnknownAttributes, 2 * types.Length);
        for (var i = 0; i < types.Length; i++)
            BinaryPrimitives.WriteUInt16BigEndian(value[(2 * i)..], types[i]);
        return this;
    }

    /// <summary>An attribute this codec does not interpret (ICE's PRIORITY, REALM, ...), its value written as given.</summary>
    public StunMessageWriter AddAttribute(ushort type, ReadOnlySpan<byte> value)
    {
        if (StunAttributeType.Slot(type) >= 0)
            throw new ArgumentException($"{StunAttributeType.Name(type)} has its own method, which checks its value.", nameof(type));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value.Length, ushort.MaxValue, nameof(value));
        value.CopyTo(Append(type, value.Length));
        return this;
    }

    /// <summary>MESSAGE-INTEGRITY with <paramref name="key"/> (see <see cref="StunShortTermKey"/>); only FINGERPRINT may follow.</summary>
    public StunMessageWriter AddMessageIntegrity(ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty)
            throw new ArgumentException("An empty key authenticates nothing.", nameof(key));
        var covered = _length;

        // Append has already set the header length to count MESSAGE-INTEGRITY, as the HMAC input requires (RFC 8489 §14.5).
        var value = Append(StunAttributeType.MessageIntegrity, StunIntegrity.HmacLength);
        StunIntegrity.Compute(key, _buffer.AsSpan(0, covered), value);
        _hasIntegrity = true;
        return this;
    }

    /// <summary>FINGERPRINT, the last attribute.</summary>
    public StunMessageWriter AddFingerprint()
    {
        var covered = _length;
        var value = Append(StunAttributeType.Fingerprint, 4);
        BinaryPrimitives.WriteUInt32BigEndian(value, StunFingerprint.Compute(_buffer.AsSpan(0, covered)));
        _hasFingerprint = true;
        return this;
    }

    private StunMessageWriter AddAddress(ushort type, IPEndPoint endPoint, bool xor)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var value = Append(type, StunAddressCodec.ValueLength(endPoint.Address));
        StunAddressCodec.Write(value, endPoint, _buffer.AsSpan(4, 16), xor);
        return this;
    }

    // Reserves one attribute (header, value, padding), updates the message length, and returns the value to fill in.
    private Span<byte> Append(ushort type, int valueLength)
    {
        if (_hasFingerprint)
            throw new InvalidOperationException("FINGERPRINT is the last attribute; nothing may follow it.");
        if (_hasIntegrity && type is not (StunAttributeType.Fingerprint or StunAttributeType.MessageIntegritySha256))
            throw new InvalidOperationException("Only FINGERPRINT (or MESSAGE-INTEGRITY-SHA256) may follow MESSAGE-INTEGRITY.");
        var slot = StunAttributeType.Slot(type);
        if (slot >= 0 && (_written & (1u << slot)) != 0)
            throw new InvalidOperationException($"{StunAttributeType.Name(type)} is already in this message.");
        var padded = (valueLength + 3) & ~3;
        var newLength = _length + 4 + padded;
        if (newLength - StunMessageParser.HeaderLength > MaxBodyLength)
            throw new InvalidOperationException($"A STUN message carries at most {MaxBodyLength} bytes of attributes.");
        if (slot >= 0)
            _written |= 1u << slot;

        if (newLength > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(newLength, 2 * _buffer.Length));
        var attribute = _buffer.AsSpan(_length, 4 + padded);
        BinaryPrimitives.WriteUInt16BigEndian(attribute, type);
        BinaryPrimitives.WriteUInt16BigEndian(attribute[2..], (ushort)valueLength);
        attribute[(4 + valueLength)..].Fill(PaddingByte);
        _length = newLength;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(2), (ushort)(_length - StunMessageParser.HeaderLength));
        return attribute.Slice(4, valueLength);
    }

    private static int Utf8Length(string text, string parameterName)
    {
        try
        {
            return StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException("The text has an unpaired surrogate and cannot be UTF-8.", parameterName, e);
        }
    }

    private static int TextLength(string text, string parameterName)
    {
        var length = Utf8Length(text, parameterName);
        var characters = 0;
        foreach (var _ in text.EnumerateRunes())
            characters++;
        if (characters > StunMessageParser.MaxTextCharacters || length > MaxTextBytes)
            throw new ArgumentException($"The text must be fewer than 128 characters and at most {MaxTextBytes} bytes.", parameterName);
        return length;
    }
}
