using System.Buffers.Binary;

namespace FleetMonitor.Protocols.Media;

/// <summary>
/// The datagram format of the media probe's stream and the Reflector's echo: one codec shared by both ends.
/// </summary>
/// <remarks>
/// All fields big-endian (network order):
/// <code>
/// offset size field
///  0     4    magic 0x464D4543 ("FMEC", FleetMonitor echo)
///  4     1    version, 1
///  5     1    flags: 0x01 = echoed (set by the reflector in its reply); other bits 0
///  6     2    reserved, 0
///  8     4    stream id (random per probe run)
/// 12     4    sequence number (0, 1, 2, ... in sending order)
/// 16     8    send timestamp: the sender's Stopwatch ticks (signed), meaningful only to the sender
/// 24     ...  padding (zeros when sent) up to the packet size, 24..1200 bytes in all
/// </code>
/// The padding makes the datagram as large as the RTP packet it stands for (172 bytes for 20 ms of G.711: 12 bytes of
/// RTP header and 160 of audio). A reflector answers a request (echoed flag clear) with the same bytes and the echoed
/// flag set, never more bytes than it received; it drops a datagram whose echoed flag is already set, so that two
/// reflectors handed a spoofed source can never bounce a packet between them for ever. 1200 bytes fit an IPv6
/// minimum-MTU path (1280) without fragmentation.
/// </remarks>
public static class MediaPacket
{
    /// <summary>"FMEC".</summary>
    public const uint Magic = 0x464D4543;

    public const byte Version = 1;

    /// <summary>Header length and so the smallest packet.</summary>
    public const int HeaderLength = 24;

    /// <summary>The largest packet either end sends or accepts.</summary>
    public const int MaxLength = 1200;

    /// <summary>The flag a reflector sets in its reply.</summary>
    public const byte EchoedFlag = 0x01;

    private const int FlagsOffset = 5;

    /// <summary>Writes <paramref name="header"/> into a packet of <paramref name="packet"/>'s length, padding with zeros.</summary>
    public static void Write(Span<byte> packet, MediaPacketHeader header)
    {
        if (packet.Length is < HeaderLength or > MaxLength)
            throw new ArgumentException($"a packet is {HeaderLength}..{MaxLength} bytes, not {packet.Length}", nameof(packet));

        BinaryPrimitives.WriteUInt32BigEndian(packet, Magic);
        packet[4] = Version;
        packet[FlagsOffset] = header.Echoed ? EchoedFlag : (byte)0;
        BinaryPrimitives.WriteUInt16BigEndian(packet[6..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(packet[8..], header.StreamId);
        BinaryPrimitives.WriteUInt32BigEndian(packet[12..], header.Sequence);
        BinaryPrimitives.WriteInt64BigEndian(packet[16..], header.SendTimestamp);
        packet[HeaderLength..].Clear();
    }

    /// <summary>
    /// Reads a datagram that is a packet of this format: length 24..1200, magic, version 1, no unknown flag, reserved 0.
    /// Anything else is false.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> datagram, out MediaPacketHeader header)
    {
        header = default;
        if (datagram.Length is < HeaderLength or > MaxLength)
            return false;
        if (BinaryPrimitives.ReadUInt32BigEndian(datagram) != Magic || datagram[4] != Version)
            return false;
        var flags = datagram[FlagsOffset];
        if ((flags & ~EchoedFlag) != 0 || BinaryPrimitives.ReadUInt16BigEndian(datagram[6..]) != 0)
            return false;

        header = new MediaPacketHeader(
            BinaryPrimitives.ReadUInt32BigEndian(datagram[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(datagram[12..]),
            BinaryPrimitives.ReadInt64BigEndian(datagram[16..]),
            (flags & EchoedFlag) != 0);
        return true;
    }

    /// <summary>
    /// Whether a reflector should answer <paramref name="datagram"/>: a well-formed packet that no reflector has echoed yet.
    /// </summary>
    public static bool IsEchoRequest(ReadOnlySpan<byte> datagram) =>
        TryRead(datagram, out var header) && !header.Echoed;

    /// <summary>Turns a request, in place, into its echo: the same bytes with the echoed flag set.</summary>
    public static void MarkEchoed(Span<byte> packet)
    {
        if (packet.Length is < HeaderLength or > MaxLength)
            throw new ArgumentException($"a packet is {HeaderLength}..{MaxLength} bytes, not {packet.Length}", nameof(packet));
        packet[FlagsOffset] |= EchoedFlag;
    }
}
