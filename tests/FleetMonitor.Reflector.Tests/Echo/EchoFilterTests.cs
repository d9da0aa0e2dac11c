using System.Net;
using FleetMonitor.Protocols.Media;
using FleetMonitor.Reflector.Echo;

namespace FleetMonitor.Reflector.Tests.Echo;

public sealed class EchoFilterTests
{
    private static readonly IPEndPoint Phone = new(IPAddress.Parse("198.51.100.7"), 16384);

    [Fact]
    public void A_probe_packet_from_an_unprivileged_port_may_be_echoed()
    {
        Assert.Null(EchoFilter.Check(Packet(), Phone, minSourcePort: 1024));
    }

    [Theory]
    [InlineData(53)]
    [InlineData(7)]
    [InlineData(1023)]
    public void System_ports_are_not_answered(int port)
    {
        Assert.Equal(ReflectorMetrics.DropReason.SourcePort, EchoFilter.Check(Packet(), new IPEndPoint(Phone.Address, port), 1024));
    }

    [Fact]
    public void Min_source_port_is_configurable()
    {
        Assert.Null(EchoFilter.Check(Packet(), new IPEndPoint(Phone.Address, 53), minSourcePort: 0));
    }

    [Fact]
    public void An_echo_is_never_echoed_again()
    {
        var packet = Packet();
        MediaPacket.MarkEchoed(packet);

        Assert.Equal(ReflectorMetrics.DropReason.Looped, EchoFilter.Check(packet, Phone, 1024));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(23)]
    [InlineData(1201)]
    public void Other_lengths_are_malformed(int length)
    {
        var data = new byte[length];
        if (length >= MediaPacket.HeaderLength)
            MediaPacket.Write(data.AsSpan(0, MediaPacket.HeaderLength), new MediaPacketHeader(1, 2, 3));

        Assert.Equal(ReflectorMetrics.DropReason.Malformed, EchoFilter.Check(data, Phone, 1024));
    }

    [Fact]
    public void Other_content_is_malformed()
    {
        var packet = Packet();
        packet[4] = 9;

        Assert.Equal(ReflectorMetrics.DropReason.Malformed, EchoFilter.Check(packet, Phone, 1024));
    }

    private static byte[] Packet()
    {
        var packet = new byte[172];
        MediaPacket.Write(packet, new MediaPacketHeader(1, 2, 3));
        return packet;
    }
}
