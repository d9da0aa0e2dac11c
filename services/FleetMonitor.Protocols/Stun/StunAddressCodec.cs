using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace FleetMonitor.Protocols.Stun;

/// <summary>
/// The value of MAPPED-ADDRESS and of every attribute shaped like it (RFC 8489 §14.1; OTHER-ADDRESS and RESPONSE-ORIGIN
/// per RFC 5780 §7.1), and its XOR form (RFC 8489 §14.2): port XOR the cookie's top 16 bits, address XOR the cookie
/// (IPv4) or the cookie followed by the transaction id (IPv6).
/// </summary>
internal static class StunAddressCodec
{
    public const byte FamilyIPv4 = 0x01;
    public const byte FamilyIPv6 = 0x02;
    public const int IPv4Length = 8;
    public const int IPv6Length = 20;

    private const ushort PortXor = 0x2112;

    public static StunParseError Validate(ReadOnlySpan<byte> value)
    {
        if (value.Length < 4)
            return StunParseError.BadAttributeLength;

        // The first byte is reserved: RFC 8489 §14.1 says receivers MUST ignore it.
        return value[1] switch
        {
            FamilyIPv4 => value.Length == IPv4Length ? StunParseError.None : StunParseError.BadAttributeLength,
            FamilyIPv6 => value.Length == IPv6Length ? StunParseError.None : StunParseError.BadAttributeLength,
            _ => StunParseError.BadAddressFamily,
        };
    }

    /// <summary>Reads a value <see cref="Validate"/> accepted. <paramref name="xorKey"/> is the header's bytes 4-19 (cookie and transaction id).</summary>
    public static IPEndPoint Read(ReadOnlySpan<byte> value, ReadOnlySpan<byte> xorKey, bool xor)
    {
        var port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]);
        Span<byte> address = stackalloc byte[16];
        address = address[..(value.Length - 4)];
        value[4..].CopyTo(address);
        if (xor)
        {
            port ^= PortXor;
            Xor(address, xorKey);
        }

        return new IPEndPoint(new IPAddress(address), port);
    }

    public static int ValueLength(IPAddress address) =>
        Normalise(address).AddressFamily == AddressFamily.InterNetwork ? IPv4Length : IPv6Length;

    public static void Write(Span<byte> value, IPEndPoint endPoint, ReadOnlySpan<byte> xorKey, bool xor)
    {
        var address = Normalise(endPoint.Address);
        value[0] = 0;
        value[1] = address.AddressFamily == AddressFamily.InterNetwork ? FamilyIPv4 : FamilyIPv6;
        var port = (ushort)endPoint.Port;
        BinaryPrimitives.WriteUInt16BigEndian(value[2..], xor ? (ushort)(port ^ PortXor) : port);
        var bytes = value[4..];
        if (!address.TryWriteBytes(bytes, out _))
            throw new InvalidOperationException("The address did not fit the attribute.");
        if (xor)
            Xor(bytes, xorKey);
    }

    // A dual-mode socket reports IPv4 peers as ::ffff:a.b.c.d; on the wire they are IPv4 (family 1), as the peer sees them.
    // IPv6 scope ids have no place on the wire and are dropped.
    public static IPAddress Normalise(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
            return address.MapToIPv4();
        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            throw new ArgumentException($"STUN carries IPv4 and IPv6 addresses, not {address.AddressFamily}.", nameof(address));
        return address;
    }

    private static void Xor(Span<byte> address, ReadOnlySpan<byte> xorKey)
    {
        for (var i = 0; i < address.Length; i++)
            address[i] ^= xorKey[i];
    }
}
