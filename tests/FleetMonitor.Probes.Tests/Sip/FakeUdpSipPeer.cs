using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FleetMonitor.Probes.Tests.Sip;

/// <summary>
/// The test's own UDP "SIP server" on 127.0.0.1, for what kamailio will not do: drop a request, answer garbage or a
/// chosen status, or stay silent. <c>respond(n, request)</c> gets the 1-based number of each datagram and returns the
/// datagrams to send back (none to drop it).
/// </summary>
internal sealed class FakeUdpSipPeer : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Func<int, string, IEnumerable<byte[]>> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _received;

    public FakeUdpSipPeer(Func<int, string, IEnumerable<byte[]>> respond)
    {
        _respond = respond;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        _loop = ServeAsync();
    }

    public int Port { get; }

    /// <summary>How many datagrams arrived (the first request and its retransmissions).</summary>
    public int Received => Volatile.Read(ref _received);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _loop;
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        var buffer = new byte[65535];
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                var number = Interlocked.Increment(ref _received);
                var request = Encoding.UTF8.GetString(buffer, 0, result.ReceivedBytes);
                foreach (var reply in _respond(number, request))
                    await _socket.SendToAsync(reply, SocketFlags.None, result.RemoteEndPoint, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}
