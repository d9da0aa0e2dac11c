using FleetMonitor.Probes.Net;
using FleetMonitor.Probes.Tls;
using FleetMonitor.Protocols.Tcp;

namespace FleetMonitor.Probes.Tcp;

/// <summary>
/// The <c>tcp</c> probe: resolves and connects to <c>host:port</c> and, with <c>tls=true</c>, completes a TLS handshake
/// and judges the server's certificate, as a phone registering over TCP or TLS would.
/// </summary>
/// <remarks>
/// Parameters: <c>tls</c> (<c>true</c>/<c>false</c>), <c>sni</c> (the name to send and to check the certificate
/// against; default the host), <c>min_days</c> (default 14), <c>ca_file</c> (PEM roots trusted besides the system's).
/// Measurements: <c>dns_ms</c> (only when a name was looked up), <c>connect_ms</c>, <c>tls_handshake_ms</c>,
/// <c>tls_days_to_expiry</c>. Facts: <c>remote_address</c>, <c>tls_protocol</c>, <c>tls_cipher</c>,
/// <c>tls_server_name</c>, <c>tls_certificate_subject</c>, <c>tls_certificate_issuer</c>,
/// <c>tls_certificate_not_after</c>, <c>tls_chain_status</c> (only when not clean).
/// </remarks>
public sealed class TcpConnectProbe(TimeProvider timeProvider) : IProbe
{
    public TcpConnectProbe()
        : this(TimeProvider.System)
    {
    }

    public string Kind => "tcp";

    /// <inheritdoc />
    /// <remarks>Throws <see cref="OperationCanceledException"/> only when <paramref name="cancellationToken"/> fires.</remarks>
    public async Task<ProbeObservation> RunAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!TcpTarget.TryParse(request.Target, out var target))
            return ObservationBuilder.Invalid(FindingCodes.InvalidTarget, $"'{request.Target}' is not host:port or [IPv6 address]:port");
        if (ProbeRequestCheck.Refuse(Kind, request) is { } refused)
            return refused;

        var useTls = false;
        if (request.Parameters.TryGetValue("tls", out var tlsText) && !bool.TryParse(tlsText, out useTls))
            return ObservationBuilder.Invalid(FindingCodes.InvalidParameter, $"tls must be true or false, not '{tlsText}'");
        if (request.Parameters.TryGetValue("sni", out var sni) && Uri.CheckHostName(sni) != UriHostNameType.Dns)
            return ObservationBuilder.Invalid(FindingCodes.InvalidParameter, $"sni must be a host name, not '{sni}'");

        TlsInspector? inspector = null;
        if (useTls)
        {
            (inspector, var tlsError) = await TlsInspector.CreateAsync(request.Parameters, timeProvider, cancellationToken);
            if (inspector is null)
                return ObservationBuilder.Invalid(FindingCodes.InvalidParameter, tlsError ?? "invalid TLS parameters");
        }

        using (inspector)
        {
            using var deadline = ProbeDeadline.Start(request.Timeout, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            try
            {
                return await RunAsync(target, sni ?? target.Host, inspector, linked.Token, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                return ObservationBuilder.Invalid(FindingCodes.InternalError, $"the tcp probe failed unexpectedly: {e.Message}");
            }
        }
    }

    private async Task<ProbeObservation> RunAsync(
        TcpTarget target, string serverName, TlsInspector? inspector, CancellationToken token, CancellationToken callerToken)
    {
        var observation = new ObservationBuilder();

        var started = timeProvider.GetTimestamp();
        var resolved = await TcpConnector.ResolveAsync(target.Host, token);
        if (resolved.LookedUp)
            observation.Measure("dns_ms", timeProvider.GetElapsedTime(started));
        if (resolved.Failure is { } dnsFailure)
            return Failed(observation, dnsFailure, callerToken);

        started = timeProvider.GetTimestamp();
        var connected = await TcpConnector.ConnectAsync(resolved.Addresses, target.Port, token);
        if (connected.Failure is { } connectFailure || connected.Socket is null)
            return Failed(observation, connected.Failure, callerToken);

        using var socket = connected.Socket;
        observation.Measure("connect_ms", timeProvider.GetElapsedTime(started));
        observation.Fact("remote_address", connected.RemoteEndPoint!.ToString());

        if (inspector is not null
            && await TlsClientHandshake.AuthenticateAsync(socket, serverName, inspector, observation, timeProvider, token, callerToken) is { } tls)
        {
            await tls.DisposeAsync();
        }

        return observation.Build();
    }

    private static ProbeObservation Failed(ObservationBuilder observation, NetworkFailure? failure, CancellationToken callerToken)
    {
        // A timeout finding caused by the caller cancelling is not a result: the caller asked to stop.
        callerToken.ThrowIfCancellationRequested();
        failure ??= new NetworkFailure(FindingCodes.TcpConnectFailed, "the connection failed");
        observation.Fail(failure.Finding, failure.Message);
        return observation.Build();
    }
}
