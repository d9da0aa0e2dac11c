using System.Net;
using System.Net.Sockets;
using FleetMonitor.Protocols.Stun;
using FleetMonitor.Reflector.Tests.Support;

namespace FleetMonitor.Reflector.Tests.Upnp;

/// <summary>
/// A minimal RFC 5780 Binding responder on two addresses and two ports in the internet namespace, run by the test.
/// miniupnpd refuses to map ports while its WAN address is in a reserved range (the documentation ranges these tests
/// must use are), unless STUN shows the address reachable from outside: with <c>ext_perform_stun=yes</c> it sends
/// four Binding requests with the four CHANGE-REQUEST combinations and enables port forwarding only when all four
/// answers arrive, each from the address and port asked for.
/// </summary>
internal sealed class StunResponder : IAsyncDisposable
{
    public const int PrimaryPort = 3478;
    public const int AlternatePort = 3479;

    private readonly Socket[,] _sockets = new Socket[2, 2];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public StunResponder(string ns, IPAddress primary, IPAddress alternate)
    {
        IPAddress[] addresses = [primary, alternate];
        int[] ports = [PrimaryPort, AlternatePort];
        for (var a = 0; a < 2; a++)
        {
            for (var p = 0; p < 2; p++)
            {
                _sockets[a, p] = NetnsSockets.Create(ns, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                _sockets[a, p].Bind(new IPEndPoint(addresses[a], ports[p]));
            }
        }

        _loop = ServeAsync();
    }

    /// <summary>Binding requests answered so far.</summary>
    public int Answered { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var socket in _sockets)
            socket.Dispose();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        var buffer = new byte[1500];
        var primary = _sockets[0, 0];
        while (!_stop.IsCancellationRequested)
        {
            var received = await primary.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            var parsed = StunMessageParser.Parse(buffer.AsSpan(0, received.ReceivedBytes));
            if (parsed.Message is not { } request || request.Type != StunMessageType.BindingRequest)
                continue;
            var source = (IPEndPoint)received.RemoteEndPoint;
            var change = request.ChangeRequest ?? StunChangeRequest.None;
            var from = _sockets[change.HasFlag(StunChangeRequest.ChangeIp) ? 1 : 0, change.HasFlag(StunChangeRequest.ChangePort) ? 1 : 0];
            var response = new StunMessageWriter(StunMessageType.BindingSuccess, request.TransactionId)
                .AddXorMappedAddress(source)
                .AddMappedAddress(source)
                .ToArray();
            await from.SendToAsync(response, SocketFlags.None, source, _stop.Token);
            Answered++;
        }
    }
}
