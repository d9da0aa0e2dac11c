using System.Net;
using System.Net.Sockets;

namespace FleetMonitor.Reflector.Tests.Support;

/// <summary>Counts the datagrams a socket receives.</summary>
internal static class UdpReplies
{
    /// <summary>
    /// Replies that arrive until none has for half a second (bounded: the Reflector sends at most what it got). The
    /// first may take longer on a busy machine, where a service's receive loop can start late.
    /// </summary>
    public static async Task<int> CountAsync(Socket socket)
    {
        var buffer = new byte[2048];
        var count = 0;
        while (count < 1000)
        {
            using var wait = new CancellationTokenSource(count == 0 ? TimeSpan.FromSeconds(5) : TimeSpan.FromMilliseconds(500));
            try
            {
                await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), wait.Token);
                count++;
            }
            catch (OperationCanceledException)
            {
                return count;
            }
        }

        return count;
    }
}
