using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace FleetMonitor.Probes.Tls;

/// <summary>The client side of a TLS handshake as the probes that speak over TLS (tcp, sip) make it, timed and judged.</summary>
internal static class TlsClientHandshake
{
    /// <summary>
    /// Completes a handshake on <paramref name="socket"/> (which stays the caller's to dispose) and reports
    /// <c>tls_handshake_ms</c>, the session's facts and the certificate's findings. Returns the stream, or null when the
    /// handshake failed, with the findings saying why. Throws only when <paramref name="callerToken"/> fires.
    /// </summary>
    public static async Task<SslStream?> AuthenticateAsync(
        Socket socket, string serverName, TlsInspector inspector, ObservationBuilder observation, TimeProvider timeProvider,
        CancellationToken token, CancellationToken callerToken)
    {
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            RemoteCertificateValidationCallback = inspector.ValidationCallback,
            CertificateChainPolicy = TlsInspector.HandshakeChainPolicy(),
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };

        var started = timeProvider.GetTimestamp();
        try
        {
            await stream.AuthenticateAsClientAsync(options, token);
            observation.Measure("tls_handshake_ms", timeProvider.GetElapsedTime(started));
            TlsInspector.Report(inspector.Capture(stream), observation);
            var authenticated = stream;
            stream = null;
            return authenticated;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            callerToken.ThrowIfCancellationRequested();
            const string message = "the TLS handshake did not finish before the deadline";
            observation.Fail(FindingCodes.TlsHandshakeFailed, message);
            observation.Fail(FindingCodes.TlsTimeout, message);
            return null;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            // Refused by the inspector: the verdict says why, better than the handshake's exception does.
            if (inspector.LastVerdict is { Rejected: true } verdict)
                TlsInspector.Report(verdict, observation);
            else
                observation.Fail(FindingCodes.TlsHandshakeFailed, Describe(e));
            return null;
        }
        finally
        {
            if (stream is not null)
                await stream.DisposeAsync();
        }
    }

    /// <summary>
    /// Why a handshake failed, in words: SslStream's own text for a peer that answers with something other than TLS
    /// ("Cannot determine the frame size...") means nothing to the person reading it.
    /// </summary>
    internal static string Describe(Exception e)
    {
        var innermost = e;
        while (innermost.InnerException is not null)
            innermost = innermost.InnerException;
        if (innermost is AuthenticationException && innermost.Message.Contains("frame", StringComparison.OrdinalIgnoreCase))
            return "the server does not speak TLS on this port (its answer was not a TLS record): is this the plain-text port?";
        if (innermost is IOException && innermost.Message.Contains("EOF", StringComparison.Ordinal))
            return "the server closed the connection during the TLS handshake";
        return $"the TLS handshake failed: {innermost.Message}";
    }
}
