using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using FleetMonitor.Probes.Net;
using FleetMonitor.Probes.Tls;

namespace FleetMonitor.Probes.Http;

/// <summary>
/// The state of one http probe run, fed by the handler's connect callback and stream filter: which step is running,
/// how the first connection went, and the TLS session of each origin.
/// </summary>
internal sealed class HttpProbeRun(TimeProvider timeProvider, TlsInspector inspector)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (TlsSession Session, TimeSpan Handshake)> _sessions = new(StringComparer.Ordinal);
    private volatile HttpPhase _phase = HttpPhase.Sending;
    private long _connectedAt;
    private bool _resolvedOnce;
    private TimeSpan? _dnsTime;
    private TimeSpan? _connectTime;
    private IPEndPoint? _remoteEndPoint;
    private NetworkFailure? _connectFailure;

    public HttpPhase Phase
    {
        get => _phase;
        set => _phase = value;
    }

    /// <summary>Why the latest connection attempt failed; the handler only sees an <see cref="IOException"/>.</summary>
    public NetworkFailure? ConnectFailure
    {
        get
        {
            lock (_gate)
                return _connectFailure;
        }
    }

    /// <summary>Connects through <see cref="TcpConnector"/>, so failures get the same codes and timings as the tcp probe.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        lock (_gate)
            _connectFailure = null;

        var endpoint = context.DnsEndPoint;
        Phase = HttpPhase.Resolving;
        var started = timeProvider.GetTimestamp();
        var resolved = await TcpConnector.ResolveAsync(endpoint.Host, cancellationToken);
        lock (_gate)
        {
            // The first connection's lookup is reported even when its connect then fails.
            if (!_resolvedOnce && resolved.LookedUp)
                _dnsTime = timeProvider.GetElapsedTime(started);
            _resolvedOnce = true;
        }

        if (resolved.Failure is not null)
            throw Failed(resolved.Failure);

        Phase = HttpPhase.Connecting;
        started = timeProvider.GetTimestamp();
        var connected = await TcpConnector.ConnectAsync(resolved.Addresses, endpoint.Port, cancellationToken);
        if (connected.Socket is null)
            throw Failed(connected.Failure ?? new NetworkFailure(FindingCodes.TcpConnectFailed, "the connection failed"));

        var connectTime = timeProvider.GetElapsedTime(started);
        lock (_gate)
        {
            if (_remoteEndPoint is null)
            {
                _connectTime = connectTime;
                _remoteEndPoint = connected.RemoteEndPoint;
            }

            _connectedAt = timeProvider.GetTimestamp();
        }

        var secure = context.InitialRequestMessage.RequestUri?.Scheme == Uri.UriSchemeHttps;
        Phase = secure ? HttpPhase.TlsHandshake : HttpPhase.AwaitingHeaders;
        return new NetworkStream(connected.Socket, ownsSocket: true);
    }

    /// <summary>Runs once per connection after TLS (if any): the point where the protocol and cipher can be read.</summary>
    public ValueTask<Stream> FilterAsync(SocketsHttpPlaintextStreamFilterContext context, CancellationToken cancellationToken)
    {
        if (context.PlaintextStream is SslStream tls && context.InitialRequestMessage.RequestUri is { } uri)
        {
            var session = inspector.Capture(tls);
            lock (_gate)
                _sessions[Origin(uri)] = (session, timeProvider.GetElapsedTime(_connectedAt));
        }

        Phase = HttpPhase.AwaitingHeaders;
        return ValueTask.FromResult(context.PlaintextStream);
    }

    /// <summary>The TLS session of the connection that served <paramref name="uri"/>'s origin, if it was https.</summary>
    public (TlsSession Session, TimeSpan Handshake)? SessionFor(Uri uri)
    {
        lock (_gate)
            return _sessions.TryGetValue(Origin(uri), out var session) ? session : null;
    }

    /// <summary>Adds <c>dns_ms</c> of the first lookup, <c>connect_ms</c> and <c>remote_address</c> of the first connection made.</summary>
    public void ReportConnection(ObservationBuilder observation)
    {
        lock (_gate)
        {
            if (_dnsTime is { } dns)
                observation.Measure("dns_ms", dns);
            if (_connectTime is { } connect)
                observation.Measure("connect_ms", connect);
            if (_remoteEndPoint is not null)
                observation.Fact("remote_address", _remoteEndPoint.ToString());
        }
    }

    private IOException Failed(NetworkFailure failure)
    {
        lock (_gate)
            _connectFailure = failure;
        return new IOException(failure.Message);
    }

    private static string Origin(Uri uri) =>
        uri.GetComponents(UriComponents.Scheme | UriComponents.Host | UriComponents.StrongPort, UriFormat.UriEscaped);
}
