using FleetMonitor.Protocols.Media;

namespace FleetMonitor.Probes.Tests.Media;

public sealed class MediaPacketTests
{
    [Fact]
    public void Header_layout_is_the_documented_one()
    {
        var packet = new byte[32];
        packet.AsSpan().Fill(0xEE);

        MediaPacket.Write(packet, new MediaPacketHeader(0x01020304, 0x0A0B0C0D, 0x1122334455667788));

        Assert.Equal(
            "464D4543" + "01" + "00" + "0000" + "01020304" + "0A0B0C0D" + "1122334455667788" + "0000000000000000",
            Convert.ToHexString(packet));
    }

    [Theory]
    [InlineData(MediaPacket.HeaderLength)]
    [InlineData(172)]
    [InlineData(MediaPacket.MaxLength)]
    public void Round_trips(int length)
    {
        var packet = new byte[length];
        var header = new MediaPacketHeader(uint.MaxValue, 249, -5);

        MediaPacket.Write(packet, header);

        Assert.True(MediaPacket.TryRead(packet, out var read));
        Assert.Equal(header, read);
        Assert.True(MediaPacket.IsEchoRequest(packet));
    }

    [Fact]
    public void Echo_is_the_same_bytes_with_the_echoed_flag()
    {
        var packet = new byte[172];
        MediaPacket.Write(packet, new MediaPacketHeader(7, 8, 9));
        var request = packet.ToArray();

        MediaPacket.MarkEchoed(packet);

        Assert.True(MediaPacket.TryRead(packet, out var echo));
        Assert.Equal(new MediaPacketHeader(7, 8, 9, Echoed: true), echo);
        Assert.False(MediaPacket.IsEchoRequest(packet), "an echo is never echoed again");
        var differing = Enumerable.Range(0, packet.Length).Where(i => packet[i] != request[i]).ToArray();
        Assert.Equal([5], differing);
    }

    [Theory]
    [InlineData(0, "empty")]
    [InlineData(MediaPacket.HeaderLength - 1, "short")]
    [InlineData(MediaPacket.MaxLength + 1, "long")]
    public void Wrong_length_is_not_a_packet(int length, string why)
    {
        var packet = new byte[length];
        if (length >= MediaPacket.HeaderLength)
            MediaPacket.Write(packet.AsSpan(0, MediaPacket.HeaderLength), new MediaPacketHeader(1, 2, 3));

        Assert.False(MediaPacket.TryRead(packet, out _), why);
        Assert.False(MediaPacket.IsEchoRequest(packet), why);
    }

    [Theory]
    [InlineData(0, 0x47)] // magic
    [InlineData(3, 0x00)] // magic
    [InlineData(4, 0x02)] // version
    [InlineData(4, 0x00)] // version
    [InlineData(5, 0x02)] // unknown flag
    [InlineData(5, 0x80)] // unknown flag
    [InlineData(6, 0x01)] // reserved
    [InlineData(7, 0x01)] // reserved
    public void Any_other_magic_version_flag_or_reserved_value_is_not_a_packet(int offset, byte value)
    {
        var packet = new byte[172];
        MediaPacket.Write(packet, new MediaPacketHeader(1, 2, 3));
        packet[offset] = value;

        Assert.False(MediaPacket.TryRead(packet, out _));
        Assert.False(MediaPacket.IsEchoRequest(packet));
    }

    [Fact]
    public void Writing_outside_the_length_limits_is_refused()
    {
        Assert.Throws<ArgumentException>(() => MediaPacket.Write(new byte[MediaPacket.HeaderLength - 1], default));
        Assert.Throws<ArgumentException>(() => MediaPacket.Write(new byte[MediaPacket.MaxLength + 1], default));
        Assert.Throws<ArgumentException>(() => MediaPacket.MarkEchoed(new byte[MediaPacket.HeaderLength - 1]));
    }
}
