namespace FleetMonitor.Probes.Tests.Support;

/// <summary>Accepts TCP connections and never writes a byte: no TLS server hello, no HTTP response.</summary>
internal sealed class SilentTcpServer : IAsyncDisposable
{
    private readonly LoopbackTcpServer _server = new((client, stop) => LoopbackTcpServer.ReadToEndAsync(client.GetStream(), stop));

    public int Port => _server.Port;

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
