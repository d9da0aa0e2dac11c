using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FleetMonitor.Probes.Tests.Sip;

/// <summary>
/// The test's own TCP "SIP server" on 127.0.0.1: reads one request's header section, writes the chunks
/// <c>respond(request)</c> returns one by one (to test framing across reads), then closes the connection.
/// </summary>
internal sealed class FakeTcpSipPeer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, IEnumerable<byte[]>> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeTcpSipPeer(Func<string, IEnumerable<byte[]>> respond)
    {
        _respond = respond;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = ServeAsync();
    }

    public int Port { get; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        try
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var stream = client.GetStream();
            var request = new StringBuilder();
            var buffer = new byte[4096];
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                    return;
                request.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }

            foreach (var chunk in _respond(request.ToString()))
            {
                await stream.WriteAsync(chunk, _stop.Token);
                await stream.FlushAsync(_stop.Token);
                await Task.Delay(20, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
    }
}
