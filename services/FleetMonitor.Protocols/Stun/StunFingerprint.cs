namespace FleetMonitor.Protocols.Stun;

/// <summary>FINGERPRINT (RFC 8489 §14.7): the CRC-32 of ISO/IEC 13239 (as in zlib and Ethernet) XOR 0x5354554E.</summary>
internal static class StunFingerprint
{
    public const uint XorValue = 0x5354554E;

    // Reflected CRC-32, polynomial 0x04C11DB7 (reversed 0xEDB88320), initial value and final XOR 0xFFFFFFFF. The BCL's
    // System.IO.Hashing.Crc32 lives in a separate NuGet package; a 1 KB table costs less than the dependency.
    private static readonly uint[] Table = BuildTable();

    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var table = Table;
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
            crc = table[(byte)(crc ^ b)] ^ (crc >> 8);
        return ~crc;
    }

    public static uint Compute(ReadOnlySpan<byte> messageBeforeFingerprint) => Crc32(messageBeforeFingerprint) ^ XorValue;

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (var i = 0u; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }

        return table;
    }
}
