using System.Net;
using System.Net.Sockets;

namespace FleetMonitor.Reflector;

/// <summary>The receive loop the Reflector's UDP services share: one datagram at a time until stopped.</summary>
internal static class UdpReceiveLoop
{
    /// <summary>
    /// Receives datagrams into <paramref name="buffer"/> and hands each (its length and source) to
    /// <paramref name="onDatagram"/>, which returns false to stop; returns when the token fires or the socket closes.
    /// </summary>
    public static async Task RunAsync(
        Socket socket, byte[] buffer, Func<int, IPEndPoint, ValueTask<bool>> onDatagram, Action<SocketError> onReceiveFailed,
        CancellationToken cancellationToken)
    {
        EndPoint any = socket.AddressFamily == AddressFamily.InterNetworkV6
            ? new IPEndPoint(IPAddress.IPv6Any, 0)
            : new IPEndPoint(IPAddress.Any, 0);

        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException
                || e is SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.Shutdown })
            {
                // Stopping: the token fired or the socket was closed under the receive.
                return;
            }
            catch (SocketException e)
            {
                // An ICMP error for an earlier reply (Windows reports them on receive): one event, nothing to answer.
                onReceiveFailed(e.SocketErrorCode);
                continue;
            }

            if (!await onDatagram(received.ReceivedBytes, (IPEndPoint)received.RemoteEndPoint))
                return;
        }
    }
}
