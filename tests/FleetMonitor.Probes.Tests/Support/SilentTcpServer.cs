using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;

namespace FleetMonitor.Probes.Tests.Support;

/// <summary>Accepts TCP connections and never writes a byte: no TLS server hello, no HTTP response.</summary>
internal sealed class SilentTcpServer : IAsyncDisposable
{
    private readonly TaskCompletionSource _firstBytes = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly LoopbackTcpServer _server;

    public SilentTcpServer()
    {
        _server = new LoopbackTcpServer(ReadAndNoteAsync);
    }

    public int Port => _server.Port;

    /// <summary>
    /// Runs <paramref name="probe"/> (made on <paramref name="clock"/>) against this server and moves the clock past the
    /// request's deadline once the probe has sent its first bytes (a TLS ClientHello, an HTTP or SIP request): the probe
    /// then waits for an answer that never comes, whatever a busy machine did to the connect before. A probe that ends
    /// before sending anything gives its observation as it is.
    /// </summary>
    public async Task<ProbeObservation> RunPastTheDeadlineAsync(IProbe probe, FakeTimeProvider clock, ProbeRequest request)
    {
        var run = probe.RunAsync(request, CancellationToken.None);
        await Task.WhenAny(run, _firstBytes.Task).WaitAsync(TimeSpan.FromMinutes(1));
        if (!run.IsCompleted)
            clock.Advance(request.Timeout);
        return await run.WaitAsync(TimeSpan.FromMinutes(1));
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task ReadAndNoteAsync(TcpClient client, CancellationToken stop)
    {
        var stream = client.GetStream();
        var buffer = new byte[4096];
        while (await stream.ReadAsync(buffer, stop) > 0)
            _firstBytes.TrySetResult();
    }
}
