using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace FleetMonitor.Protocols.Stun;

/// <summary>MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1 over the message up to the attribute, with the header length adjusted.</summary>
internal static class StunIntegrity
{
    public const int HmacLength = 20;

    private const int StackCopyLimit = 1024;

    // SHA-1 is what the protocol specifies (RFC 8489 §14.5); HMAC-SHA1 is not affected by SHA-1's collision attacks.
#pragma warning disable CA5350
    /// <summary>
    /// The HMAC of <paramref name="covered"/> (header and attributes before MESSAGE-INTEGRITY), whose header length
    /// field must already count up to the end of MESSAGE-INTEGRITY.
    /// </summary>
    public static void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> covered, Span<byte> destination) =>
        HMACSHA1.HashData(key, covered, destination);
#pragma warning restore CA5350

    public static bool Verify(ReadOnlySpan<byte> message, int integrityOffset, ReadOnlySpan<byte> key)
    {
        // The header's length counts the attributes up to and including MESSAGE-INTEGRITY but not a FINGERPRINT after it,
        // so hash a copy with the length field rewritten; the received bytes stay untouched.
        var covered = message[..integrityOffset];
        byte[]? rented = null;
        var copy = covered.Length <= StackCopyLimit
            ? stackalloc byte[StackCopyLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(covered.Length));
        try
        {
            copy = copy[..covered.Length];
            covered.CopyTo(copy);
            var lengthThroughIntegrity = integrityOffset + 4 + HmacLength - StunMessageParser.HeaderLength;
            BinaryPrimitives.WriteUInt16BigEndian(copy[2..], (ushort)lengthThroughIntegrity);
            Span<byte> expected = stackalloc byte[HmacLength];
            Compute(key, copy, expected);
            return CryptographicOperations.FixedTimeEquals(expected, message.Slice(integrityOffset + 4, HmacLength));
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
