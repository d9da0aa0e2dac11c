using System.Buffers.Binary;
using FleetMonitor.Protocols.Stun;

namespace FleetMonitor.Probes.Tests.Stun;

/// <summary>Builds STUN bytes with no checks at all, so tests can make every kind of malformed message.</summary>
internal sealed class RawStunBuilder
{
    private readonly List<byte> _body = [];

    public RawStunBuilder Attribute(ushort type, byte[] value, int? declaredLength = null, byte padding = 0)
    {
        Span<byte> header = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(header, type);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(declaredLength ?? value.Length));
        _body.AddRange(header);
        _body.AddRange(value);
        while (_body.Count % 4 != 0)
            _body.Add(padding);
        return this;
    }

    /// <summary>Appends a FINGERPRINT that is correct for everything added so far.</summary>
    public RawStunBuilder Fingerprint()
    {
        var withoutFingerprint = Build(declaredLength: _body.Count + 8);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, StunFingerprint.Compute(withoutFingerprint));
        return Attribute(StunAttributeType.Fingerprint, crc);
    }

    public byte[] Build(ushort messageType = 0x0001, int? declaredLength = null, uint cookie = StunMessageParser.MagicCookie)
    {
        var bytes = new byte[20 + _body.Count];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, messageType);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)(declaredLength ?? _body.Count));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), cookie);
        Rfc5769Vectors.TransactionId.CopyTo(bytes, 8);
        _body.CopyTo(bytes, 20);
        return bytes;
    }
}
