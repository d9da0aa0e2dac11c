using FleetMonitor.Protocols.Media;
using FleetMonitor.Reflector.Tests.Support;

namespace FleetMonitor.Reflector.Tests.Netns;

/// <summary>The real Reflector's echo in its own namespace, as a host on a network would see it: what it answers, and with how many bytes.</summary>
public sealed class EchoNetnsTests : IDisposable
{
    private static readonly string Echo = $"{NetnsTopology.ReflectorAddress}:7000";

    private readonly NetnsTopology _net = NetnsTopology.Create();

    public void Dispose() => _net.Dispose();

    [Fact]
    public async Task Answers_only_probe_packets_and_with_their_own_bytes()
    {
        await using var reflector = await ReflectorProcess.StartAsync(_net.Reflector, Echo);
        (string Name, byte[] Data, bool Answered)[] cases =
        [
            ("probe packet", Valid(172, 1), true),
            ("text", "hello"u8.ToArray(), false),
            ("one byte short of a header", Valid(MediaPacket.HeaderLength, 2)[..^1], false),
            ("wrong magic", With(Valid(172, 3), 0, 0x00), false),
            ("version 2", With(Valid(172, 4), 4, 2), false),
            ("already echoed", With(Valid(172, 5), 5, MediaPacket.EchoedFlag), false),
            ("unknown flag", With(Valid(172, 6), 5, 0x02), false),
            ("reserved bits", With(Valid(172, 7), 7, 1), false),
            ("one byte too long", Valid(MediaPacket.MaxLength + 1, 8), false),
            ("9000 bytes (fragmented on the wire)", Valid(9000, 9), false),
            ("zeros", new byte[172], false),
            ("smallest probe packet", Valid(MediaPacket.HeaderLength, 10), true),
            ("largest probe packet", Valid(MediaPacket.MaxLength, 11), true),
        ];

        var report = await NetnsRunner.SendAsync(_net.Client, Echo, cases.Select(c => c.Data));

        for (var i = 0; i < cases.Length; i++)
        {
            var (name, data, answered) = cases[i];
            var replies = report.Datagrams[i].Replies;
            Assert.True(data.Length == report.Datagrams[i].Sent, $"{name}: the runner sent {report.Datagrams[i].Sent} of {data.Length} bytes");
            if (!answered)
            {
                Assert.True(replies.Count == 0, $"{name}: expected no reply, got {string.Join(", ", replies)}");
                continue;
            }

            var reply = Convert.FromHexString(Assert.Single(replies));
            var expected = data.ToArray();
            MediaPacket.MarkEchoed(expected);
            Assert.Equal(expected, reply);
        }
    }

    [Fact]
    public async Task Never_replies_with_more_bytes_than_it_received()
    {
        await using var reflector = await ReflectorProcess.StartAsync(_net.Reflector, Echo);
        int[] sizes = [0, 1, 8, 23, 24, 25, 100, 172, 1199, 1200, 1201, 1472, 4000];
        var datagrams = sizes.SelectMany(size => new[] { Garbage(size), size >= MediaPacket.HeaderLength ? Valid(size, (uint)size) : Garbage(size) }).ToArray();

        var report = await NetnsRunner.SendAsync(_net.Client, Echo, datagrams, waitMs: 150);

        var answered = 0;
        for (var i = 0; i < datagrams.Length; i++)
        {
            foreach (var reply in report.Datagrams[i].Replies)
            {
                answered++;
                var length = Convert.FromHexString(reply).Length;
                Assert.True(length <= datagrams[i].Length, $"a {datagrams[i].Length}-byte datagram got a {length}-byte reply");
            }
        }

        // The valid packets of 24..1200 bytes (six of them) were answered: the check above had replies to look at.
        Assert.Equal(6, answered);
    }

    [Fact]
    public async Task Does_not_answer_system_ports()
    {
        await using var reflector = await ReflectorProcess.StartAsync(_net.Reflector, Echo);

        var fromDns = await NetnsRunner.SendAsync(_net.Client, Echo, [Valid(172, 1)], fromPort: 53);
        var fromHighPort = await NetnsRunner.SendAsync(_net.Client, Echo, [Valid(172, 2)], fromPort: 1024);

        Assert.Empty(Assert.Single(fromDns.Datagrams).Replies);
        Assert.Single(Assert.Single(fromHighPort.Datagrams).Replies);
    }

    private static byte[] Valid(int length, uint sequence)
    {
        var packet = new byte[length];
        MediaPacket.Write(packet.AsSpan(0, Math.Min(length, MediaPacket.MaxLength)), new MediaPacketHeader(0xF00D, sequence, 42));
        return packet;
    }

    private static byte[] Garbage(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        return data;
    }

    private static byte[] With(byte[] data, int offset, byte value)
    {
        data[offset] = value;
        return data;
    }
}
