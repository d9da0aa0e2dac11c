using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using FleetMonitor.Protocols.Stun;

namespace FleetMonitor.Probes.Nat;

/// <summary>
/// One UDP socket of the NAT probe, bound to the local address that routes to the server, with a receive loop that
/// hands each STUN message to the transaction waiting for its id: a response to a request sent from here, a response
/// the server aimed here with RESPONSE-PORT, or a request that came back through the NAT (hairpinning). Everything
/// else, and any response whose MESSAGE-INTEGRITY does not match the key, is dropped.
/// </summary>
internal sealed class StunSocket : IAsyncDisposable
{
    // Large enough for a padded response and for anything else, so that nothing arrives truncated.
    private const int ReceiveBufferBytes = 65536;

    private readonly Socket _socket;
    private readonly byte[]? _key;
    private readonly TimeProvider _timeProvider;
    private readonly NatCounters _counters;
    private readonly ConcurrentDictionary<StunTransactionId, TaskCompletionSource<StunReceived>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;

    private StunSocket(Socket socket, byte[]? key, TimeProvider timeProvider, NatCounters counters)
    {
        _socket = socket;
        _key = key;
        _timeProvider = timeProvider;
        _counters = counters;
        Local = (IPEndPoint)socket.LocalEndPoint!;
        _receiving = Task.Run(ReceiveAsync);
    }

    /// <summary>The local address and port.</summary>
    public IPEndPoint Local { get; }

    /// <summary>A socket on <paramref name="local"/> and a port the system picks (RFC 5780 §4.1: a fresh random port per test).</summary>
    public static StunSocket Open(IPAddress local, byte[]? key, TimeProvider timeProvider, NatCounters counters)
    {
        ArgumentNullException.ThrowIfNull(local);
        var socket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(local, 0));
            return new StunSocket(socket, key, timeProvider, counters);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The message with <paramref name="id"/> that arrives here next; call <see cref="Forget"/> when done waiting.</summary>
    public Task<StunReceived> Expect(StunTransactionId id) =>
        _pending.GetOrAdd(id, _ => new TaskCompletionSource<StunReceived>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Forget(StunTransactionId id) => _pending.TryRemove(id, out _);

    /// <summary>Sends one datagram; a send the system refuses counts as a packet lost on the way.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> datagram, IPEndPoint to, CancellationToken cancellationToken)
    {
        try
        {
            await _socket.SendToAsync(datagram, SocketFlags.None, to, cancellationToken);
            _counters.Sent();
        }
        catch (SocketException)
        {
            // No route, or an ICMP error reported on this call: the retransmissions go on, as for a lost packet.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        try
        {
            await _receiving;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[ReceiveBufferBytes];
        EndPoint any = _socket.AddressFamily == AddressFamily.InterNetworkV6
            ? new IPEndPoint(IPAddress.IPv6Any, 0)
            : new IPEndPoint(IPAddress.Any, 0);
        var errors = 0;
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // An ICMP error for an earlier datagram; one that repeats without end is the socket's own fault.
                if (++errors > 100)
                    return;
                continue;
            }

            var at = _timeProvider.GetTimestamp();
            _counters.Received();
            Deliver(buffer.AsSpan(0, received.ReceivedBytes), (IPEndPoint)received.RemoteEndPoint, at);
        }
    }

    private void Deliver(ReadOnlySpan<byte> datagram, IPEndPoint from, long at)
    {
        var parsed = StunMessageParser.Parse(datagram);
        if (!parsed.IsSuccess || !_pending.TryGetValue(parsed.Message.TransactionId, out var waiter))
            return;
        var message = parsed.Message;
        if (message.Type.Method != StunMessageType.BindingMethod || message.Type.Class == StunClass.Indication)
            return;

        // RFC 8489 §6.3.3: a response with an unknown comprehension-required attribute is discarded; so is one whose
        // MESSAGE-INTEGRITY does not match our key (a response without one is accepted: a server without
        // authentication, such as a plain STUN server, sends none).
        if (message.Type.Class != StunClass.Request)
        {
            if (message.GetUnknownComprehensionRequired().Count > 0)
                return;
            if (message.HasMessageIntegrity && _key is not null && !message.VerifyIntegrity(datagram, _key))
                return;
        }

        waiter.TrySetResult(new StunReceived(message, from, at));
    }
}
