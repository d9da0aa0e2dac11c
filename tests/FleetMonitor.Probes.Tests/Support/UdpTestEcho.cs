using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using FleetMonitor.Protocols.Media;

namespace FleetMonitor.Probes.Tests.Support;

/// <summary>
/// A loopback UDP peer for the media probe: by default answers like the Reflector's echo (same bytes, echoed flag set);
/// the <c>answer</c> function may change, drop (null) or keep the reply.
/// </summary>
internal sealed class UdpTestEcho : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<byte[], byte[]?> _answer;
    private readonly Task _loop;

    public UdpTestEcho(Func<byte[], byte[]?>? answer = null)
    {
        _answer = answer ?? Echo;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _loop = RunAsync();
    }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    /// <summary>Every datagram received, with its source.</summary>
    public ConcurrentQueue<(IPEndPoint From, byte[] Data)> Received { get; } = new();

    public static byte[] Echo(byte[] request)
    {
        MediaPacket.MarkEchoed(request);
        return request;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var buffer = new byte[65536];
        while (!_stop.IsCancellationRequested)
        {
            var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            var data = buffer.AsSpan(0, result.ReceivedBytes).ToArray();
            var from = (IPEndPoint)result.RemoteEndPoint;
            Received.Enqueue((from, data.ToArray()));
            if (_answer(data) is { } reply)
                await _socket.SendToAsync(reply, SocketFlags.None, from, _stop.Token);
        }
    }
}
