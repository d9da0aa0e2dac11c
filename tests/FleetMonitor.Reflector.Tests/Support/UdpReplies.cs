using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FleetMonitor.Reflector.Tests.Support;

/// <summary>Counts the datagrams a socket receives.</summary>
internal static class UdpReplies
{
    /// <summary>How long the replies, and then the service's account of every request, may take on a busy machine.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Receives until <paramref name="expected"/> replies came, then waits until <paramref name="allHandled"/> says the
    /// service has dealt with every request (e.g. its drop counter), and counts what else already arrived by then: more
    /// than expected when the service answered too many, fewer when it never sent them (after the bound).
    /// </summary>
    public static async Task<int> CountAsync(Socket socket, int expected, Func<Task<bool>> allHandled)
    {
        var buffer = new byte[2048];
        var count = 0;
        using (var wait = new CancellationTokenSource(Bound))
        {
            try
            {
                for (; count < expected; count++)
                {
                    await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), wait.Token);
                }
            }
            catch (OperationCanceledException)
            {
                return count;
            }
        }

        var waited = Stopwatch.StartNew();
        while (!await allHandled() && waited.Elapsed < Bound)
        {
            await Task.Delay(50);
        }

        // A reply to a request the service has dealt with is already here (loopback): anything waiting is one too many.
        while (socket.Available > 0)
        {
            await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0));
            count++;
        }

        return count;
    }
}
