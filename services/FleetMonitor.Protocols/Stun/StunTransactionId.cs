using System.Buffers.Binary;
using System.Security.Cryptography;

namespace FleetMonitor.Protocols.Stun;

/// <summary>The 96-bit transaction id of a STUN message (RFC 8489 §5); a value, so matching a response to its request allocates nothing.</summary>
public readonly record struct StunTransactionId
{
    public const int Length = 12;

    private readonly ulong _high;
    private readonly uint _low;

    public StunTransactionId(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
            throw new ArgumentException($"A transaction id is {Length} bytes, not {bytes.Length}.", nameof(bytes));
        _high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _low = BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]);
    }

    /// <summary>A fresh id from the cryptographic generator: RFC 8489 §6 asks for one uniformly and randomly chosen.</summary>
    public static StunTransactionId NewRandom()
    {
        Span<byte> bytes = stackalloc byte[Length];
        RandomNumberGenerator.Fill(bytes);
        return new StunTransactionId(bytes);
    }

    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], _low);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        CopyTo(bytes);
        return bytes;
    }

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Length];
        CopyTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}
