using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace FleetMonitor.Probes.Tests.Support;

/// <summary>A raw TLS server on loopback presenting one certificate, then waiting for the client to leave.</summary>
internal sealed class TlsTestServer : IAsyncDisposable
{
    private readonly SslStreamCertificateContext _certificate;
    private readonly LoopbackTcpServer _server;

    public TlsTestServer(X509Certificate2 certificate, IPAddress? address = null)
    {
        _certificate = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
        _server = new LoopbackTcpServer(ServeAsync, address);
    }

    public int Port => _server.Port;

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task ServeAsync(TcpClient client, CancellationToken stop)
    {
        try
        {
            await using var tls = new SslStream(client.GetStream());
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = _certificate }, stop);
            await LoopbackTcpServer.ReadToEndAsync(tls, stop);
        }
        catch (AuthenticationException)
        {
            // Clients that refuse the certificate end the handshake; that is what some tests are about.
        }
    }
}
