using System.Net;

namespace FleetMonitor.Protocols.Stun;

/// <summary>A STUN message as <see cref="StunMessageParser"/> read it: header fields, the attributes this codec interprets, and the rest as raw attributes.</summary>
public sealed class StunMessage
{
    private readonly int _integrityOffset;

    internal StunMessage(StunMessageType type, StunTransactionId transactionId, int length, int integrityOffset)
    {
        Type = type;
        TransactionId = transactionId;
        Length = length;
        _integrityOffset = integrityOffset;
    }

    public StunMessageType Type { get; }

    public StunTransactionId TransactionId { get; }

    /// <summary>The whole message in bytes, header included.</summary>
    public int Length { get; }

    public IPEndPoint? MappedAddress { get; internal init; }

    public IPEndPoint? XorMappedAddress { get; internal init; }

    public IPEndPoint? OtherAddress { get; internal init; }

    public IPEndPoint? ResponseOrigin { get; internal init; }

    /// <summary>The CHANGE-REQUEST flags; bits RFC 5780 does not define are dropped.</summary>
    public StunChangeRequest? ChangeRequest { get; internal init; }

    public int? ResponsePort { get; internal init; }

    /// <summary>The length of the PADDING attribute's value; its content means nothing (RFC 5780 §7.6).</summary>
    public int? PaddingLength { get; internal init; }

    public string? Username { get; internal init; }

    public string? Software { get; internal init; }

    public StunErrorCode? ErrorCode { get; internal init; }

    /// <summary>The content of an UNKNOWN-ATTRIBUTES attribute: the types the peer did not understand.</summary>
    public IReadOnlyList<ushort>? UnknownAttributes { get; internal init; }

    public bool HasMessageIntegrity => _integrityOffset >= 0;

    /// <summary>Whether a FINGERPRINT was present; the parser has already checked it.</summary>
    public bool HasFingerprint { get; internal init; }

    /// <summary>The attributes this codec does not interpret, in message order.</summary>
    public IReadOnlyList<StunRawAttribute> OtherAttributes { get; internal init; } = [];

    /// <summary>
    /// The comprehension-required types among <see cref="OtherAttributes"/>: a server answers such a request with a
    /// 420 error listing them, and a client discards such a response (RFC 8489 §6.3.1, §6.3.3).
    /// </summary>
    public IReadOnlyList<ushort> GetUnknownComprehensionRequired()
    {
        List<ushort>? types = null;
        foreach (var attribute in OtherAttributes)
        {
            if (attribute.IsComprehensionRequired)
                (types ??= []).Add(attribute.Type);
        }

        return types ?? (IReadOnlyList<ushort>)[];
    }

    /// <summary>
    /// Checks MESSAGE-INTEGRITY against a key learnt after parsing (a server reads USERNAME first, then looks up the
    /// password). <paramref name="datagram"/> must be the bytes this message was parsed from.
    /// </summary>
    public bool VerifyIntegrity(ReadOnlySpan<byte> datagram, ReadOnlySpan<byte> key)
    {
        if (!HasMessageIntegrity || key.IsEmpty || datagram.Length != Length || datagram.Length < StunMessageParser.HeaderLength)
            return false;
        if (new StunTransactionId(datagram.Slice(8, StunTransactionId.Length)) != TransactionId)
            return false;
        return StunIntegrity.Verify(datagram, _integrityOffset, key);
    }
}
