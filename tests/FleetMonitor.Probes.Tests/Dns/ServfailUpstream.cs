using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace FleetMonitor.Probes.Tests.Dns;

/// <summary>
/// A broken authoritative server for dnsmasq to forward one domain to: every query is answered SERVFAIL, which dnsmasq
/// passes on to the probe as a real resolver does when the servers behind it fail.
/// </summary>
internal sealed class ServfailUpstream : IAsyncDisposable
{
    private const int HeaderLength = 12;

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private ServfailUpstream()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        _loop = ServeAsync();
    }

    public int Port { get; }

    public static ServfailUpstream Start() => new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _loop;
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                if (Servfail(buffer.AsSpan(0, result.ReceivedBytes)) is { } reply)
                    await _socket.SendToAsync(reply, SocketFlags.None, result.RemoteEndPoint, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    // RFC 1035 4.1: the query's id and question, QR set, RD copied, RA set, RCODE 2; no answer, authority or additional.
    private static byte[]? Servfail(ReadOnlySpan<byte> query)
    {
        var end = HeaderLength;
        while (end < query.Length && query[end] != 0)
            end += query[end] + 1;
        end += 1 + 4;
        if (query.Length < end)
            return null;

        var reply = query[..end].ToArray();
        var flags = BinaryPrimitives.ReadUInt16BigEndian(reply.AsSpan(2));
        BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(2), (ushort)(0x8080 | (flags & 0x0100) | 2));
        BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(4), 1);
        reply.AsSpan(6, 6).Clear();
        return reply;
    }
}
