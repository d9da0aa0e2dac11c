using System.Net;
using System.Net.Sockets;

namespace FleetMonitor.Agent.Tests.Support;

/// <summary>
/// A TCP proxy on a loopback port of its own (bound to port 0) in front of the broker. <see cref="Freeze"/> stops
/// forwarding on every connection open at that moment while keeping their sockets open — a node that stops answering
/// without closing anything; connections made afterwards are forwarded as usual.
/// </summary>
internal sealed class FreezingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(TcpClient Client, TcpClient Upstream, CancellationTokenSource Pump)> _connections = [];
    private readonly Task _accepting;

    public FreezingProxy(string targetHost, int targetPort)
    {
        (_targetHost, _targetPort) = (targetHost, targetPort);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far.</summary>
    public int Accepted { get; private set; }

    public void Freeze()
    {
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Pump.Cancel();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        lock (_connections)
        {
            foreach (var (client, upstream, pump) in _connections)
            {
                pump.Cancel();
                client.Dispose();
                upstream.Dispose();
                pump.Dispose();
            }
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var upstream = new TcpClient();
            await upstream.ConnectAsync(_targetHost, _targetPort, _stop.Token);
            var pump = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            lock (_connections)
            {
                _connections.Add((client, upstream, pump));
                Accepted++;
            }

            _ = ForwardAsync(client.GetStream(), upstream.GetStream(), pump.Token);
            _ = ForwardAsync(upstream.GetStream(), client.GetStream(), pump.Token);
        }
    }

    private static async Task ForwardAsync(NetworkStream from, NetworkStream to, CancellationToken frozen)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, frozen);
                if (read == 0)
                {
                    to.Socket.Shutdown(SocketShutdown.Send);
                    return;
                }

                // A read that returns after the freeze is dropped, not forwarded.
                frozen.ThrowIfCancellationRequested();
                await to.WriteAsync(buffer.AsMemory(0, read), frozen);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Frozen (the sockets stay open), or closed.
        }
    }
}
