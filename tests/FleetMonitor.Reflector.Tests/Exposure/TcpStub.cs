using System.Net;
using System.Net.Sockets;
using System.Text;
using FleetMonitor.Reflector.Tests.Support;

namespace FleetMonitor.Reflector.Tests.Exposure;

/// <summary>
/// A tiny TCP service inside a namespace, run by the test itself: a router's web admin (answers any HTTP request with a
/// Server header) or a server-first banner (SSH). Only the banner and the HTTP status line matter to a scanner.
/// </summary>
internal sealed class TcpStub : IAsyncDisposable
{
    public const string WebAdminServer = "HomeRouter-WebAdmin/2.4";
    public const string SshBanner = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3";

    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private TcpStub(Socket listener, bool http)
    {
        _listener = listener;
        _loop = AcceptAsync(http);
    }

    public static TcpStub WebAdmin(string ns, IPEndPoint endpoint) => new(NetnsSockets.Listen(ns, endpoint), http: true);

    public static TcpStub Ssh(string ns, IPEndPoint endpoint) => new(NetnsSockets.Listen(ns, endpoint), http: false);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync(bool http)
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptAsync(_stop.Token);
            _ = ServeAsync(client, http);
        }
    }

    private async Task ServeAsync(Socket client, bool http)
    {
        using (client)
        {
            try
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                limit.CancelAfter(TimeSpan.FromSeconds(5));
                if (!http)
                {
                    await client.SendAsync(Encoding.ASCII.GetBytes(SshBanner + "\r\n"), SocketFlags.None, limit.Token);
                    await client.ReceiveAsync(new byte[256], SocketFlags.None, limit.Token);
                    return;
                }

                var buffer = new byte[4096];
                var count = 0;
                while (count < buffer.Length && buffer.AsSpan(0, count).IndexOf("\r\n\r\n"u8) < 0)
                {
                    var read = await client.ReceiveAsync(buffer.AsMemory(count), SocketFlags.None, limit.Token);
                    if (read == 0)
                        return;
                    count += read;
                }

                await client.SendAsync(Encoding.ASCII.GetBytes(
                    $"HTTP/1.0 200 OK\r\nServer: {WebAdminServer}\r\nContent-Type: text/html\r\nContent-Length: 0\r\n\r\n"), SocketFlags.None, limit.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                // A scanner hangs up early, or the test is over.
            }
        }
    }
}
