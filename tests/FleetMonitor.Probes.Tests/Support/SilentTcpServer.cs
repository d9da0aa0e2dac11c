using System.Net;
using System.Net.Sockets;

namespace FleetMonitor.Probes.Tests.Support;

/// <summary>Accepts TCP connections and never writes a byte: no TLS server hello, no HTTP response.</summary>
internal sealed class SilentTcpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public SilentTcpServer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = AcceptAsync();
    }

    public int Port { get; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var clients = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                clients.Add(DrainAsync(client));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(clients);
    }

    private async Task DrainAsync(TcpClient client)
    {
        using (client)
        {
            var buffer = new byte[4096];
            try
            {
                while (await client.GetStream().ReadAsync(buffer, _stop.Token) > 0)
                {
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
            {
            }
        }
    }
}
