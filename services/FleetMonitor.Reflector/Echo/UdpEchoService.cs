using System.Net;
using System.Net.Sockets;
using FleetMonitor.Protocols.Media;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Reflector.Echo;

/// <summary>
/// The UDP echo of the media probe: on each configured endpoint, answers a media probe packet with the same bytes and
/// the echoed flag set (never more bytes than it received), within a per-source rate limit; drops and counts
/// everything else.
/// </summary>
internal sealed partial class UdpEchoService(
    IOptions<EchoOptions> options, ReflectorMetrics metrics, TimeProvider timeProvider, ILogger<UdpEchoService> logger)
    : BackgroundService
{
    // Large enough for any UDP datagram, so that an oversized one is seen whole and refused by its length.
    private const int ReceiveBufferBytes = 65536;

    private readonly List<Socket> _sockets = [];
    private readonly SourceRateLimiter _limiter = new(
        timeProvider, options.Value.PacketsPerSecondPerSource, options.Value.BurstPerSource, options.Value.MaxTrackedSources);

    /// <summary>The endpoints bound, with the ports the system chose for those configured with port 0.</summary>
    public IReadOnlyList<IPEndPoint> LocalEndpoints => [.. _sockets.Select(s => (IPEndPoint)s.LocalEndPoint!)];

    /// <summary>Binds every endpoint before the host reports started, so that a port in use stops the start.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var endpoint in options.Value.ParsedEndpoints())
        {
            var socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                socket.Bind(endpoint);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                throw new InvalidOperationException($"the UDP echo cannot bind {endpoint}: {e.Message} ({e.SocketErrorCode})", e);
            }

            _sockets.Add(socket);
            LogListening(socket.LocalEndPoint!);
        }

        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        foreach (var socket in _sockets)
            socket.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_sockets.Select(socket => ServeAsync(socket, stoppingToken)));

    private Task ServeAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[ReceiveBufferBytes];
        var minSourcePort = options.Value.MinSourcePort;
        return UdpReceiveLoop.RunAsync(socket, buffer, HandleAsync, LogReceiveFailed, cancellationToken);

        // True to go on receiving, false when the host is stopping.
        async ValueTask<bool> HandleAsync(int length, IPEndPoint source)
        {
            var reason = EchoFilter.Check(buffer.AsSpan(0, length), source, minSourcePort)
                ?? _limiter.TryAcquire(source.Address) switch
                {
                    RateDecision.RateLimited => ReflectorMetrics.DropReason.RateLimited,
                    RateDecision.TooManySources => ReflectorMetrics.DropReason.TooManySources,
                    _ => null,
                };
            if (reason is not null)
            {
                metrics.Dropped(reason, length);
                return true;
            }

            // The reply is the request's own bytes, so it can never be larger than what arrived.
            var reply = buffer.AsMemory(0, length);
            MediaPacket.MarkEchoed(reply.Span);
            try
            {
                await socket.SendToAsync(reply, SocketFlags.None, source, cancellationToken);
                metrics.Echoed(length);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            catch (SocketException e)
            {
                LogSendFailed(e.SocketErrorCode);
                metrics.Dropped(ReflectorMetrics.DropReason.SendFailed, length);
            }

            metrics.SourcesTracked(_limiter.Count);
            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "UDP echo listening on {Endpoint}")]
    private partial void LogListening(EndPoint endpoint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "UDP echo receive failed: {Error}")]
    private partial void LogReceiveFailed(SocketError error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "UDP echo reply could not be sent: {Error}")]
    private partial void LogSendFailed(SocketError error);
}
