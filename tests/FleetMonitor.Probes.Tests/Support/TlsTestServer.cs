using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace FleetMonitor.Probes.Tests.Support;

/// <summary>A raw TLS server on loopback presenting one certificate, then waiting for the client to leave.</summary>
internal sealed class TlsTestServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly SslStreamCertificateContext _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public TlsTestServer(X509Certificate2 certificate, IPAddress? address = null)
    {
        _certificate = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
        _listener = new TcpListener(address ?? IPAddress.Loopback, 0);
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
                clients.Add(ServeAsync(client));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(clients);
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await using var tls = new SslStream(client.GetStream());
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificateContext = _certificate }, _stop.Token);
                var buffer = new byte[4096];
                while (await tls.ReadAsync(buffer, _stop.Token) > 0)
                {
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or AuthenticationException or ObjectDisposedException)
            {
                // Clients that refuse the certificate end the handshake; that is what some tests are about.
            }
        }
    }
}
