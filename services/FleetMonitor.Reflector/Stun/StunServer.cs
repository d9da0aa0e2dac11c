using System.Net;
using System.Net.Sockets;
using FleetMonitor.Reflector.Auth;
using FleetMonitor.Reflector.Echo;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Reflector.Stun;

/// <summary>
/// The RFC 5780 STUN server: four UDP sockets (PA:PP, PA:AP, AA:PP, AA:AP), each answering Binding requests as
/// <see cref="StunRequestHandler"/> decides, from the socket it names, within a per-source rate limit. Off when
/// <see cref="StunOptions.PrimaryAddress"/> is empty.
/// </summary>
internal sealed partial class StunServer(
    IOptions<StunOptions> options, AgentCredentials credentials, ReflectorMetrics metrics, TimeProvider timeProvider,
    ILogger<StunServer> logger)
    : BackgroundService
{
    // Large enough for any UDP datagram, so that PADDING up to 64 KB (RFC 5780 §7.6) arrives whole.
    private const int ReceiveBufferBytes = 65536;

    private readonly Dictionary<IPEndPoint, Socket> _sockets = [];
    private readonly SourceRateLimiter _limiter = new(
        timeProvider, options.Value.PacketsPerSecondPerSource, options.Value.BurstPerSource, options.Value.MaxTrackedSources);

    private StunRequestHandler? _handler;

    /// <summary>The four endpoints bound, or none when the server is off.</summary>
    public IReadOnlyList<IPEndPoint> LocalEndpoints => [.. _sockets.Keys];

    /// <summary>Binds all four sockets before the host reports started, so that an address or port in use stops the start.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            LogDisabled();
            return Task.CompletedTask;
        }

        var addresses = settings.Addresses();
        _handler = new StunRequestHandler(addresses, credentials, settings.MinSourcePort);
        foreach (var endpoint in addresses.All)
        {
            var socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                socket.Bind(endpoint);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                foreach (var bound in _sockets.Values)
                    bound.Dispose();
                _sockets.Clear();
                throw new InvalidOperationException($"the STUN server cannot bind {endpoint}: {e.Message} ({e.SocketErrorCode})", e);
            }

            _sockets.Add(endpoint, socket);
        }

        foreach (var endpoint in _sockets.Keys)
            LogListening(endpoint);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        foreach (var socket in _sockets.Values)
            socket.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_sockets.Select(pair => ServeAsync(pair.Key, pair.Value, stoppingToken)));

    private Task ServeAsync(IPEndPoint local, Socket socket, CancellationToken cancellationToken)
    {
        var handler = _handler!;
        var buffer = new byte[ReceiveBufferBytes];
        return UdpReceiveLoop.RunAsync(socket, buffer, HandleAsync, LogReceiveFailed, cancellationToken);

        // True to go on receiving, false when the host is stopping.
        async ValueTask<bool> HandleAsync(int length, IPEndPoint source)
        {
            var datagram = buffer.AsSpan(0, length);
            StunHandling handling;
            if (!StunRequestHandler.LooksLikeBindingRequest(datagram))
            {
                handling = StunHandling.Drop(ReflectorMetrics.StunDropReason.NotBindingRequest);
            }
            else
            {
                handling = _limiter.TryAcquire(source.Address) switch
                {
                    RateDecision.RateLimited => StunHandling.Drop(ReflectorMetrics.StunDropReason.RateLimited),
                    RateDecision.TooManySources => StunHandling.Drop(ReflectorMetrics.StunDropReason.TooManySources),
                    _ => handler.Handle(datagram, local, source),
                };
            }

            if (handling.Reply is not { } reply)
            {
                metrics.StunDropped(handling.DropReason ?? ReflectorMetrics.StunDropReason.Malformed, length);
                return true;
            }

            try
            {
                await _sockets[reply.From].SendToAsync(reply.Datagram, SocketFlags.None, reply.To, cancellationToken);
                metrics.StunAnswered(reply.ErrorCode, reply.Features, length, reply.Datagram.Length);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            catch (SocketException e)
            {
                LogSendFailed(e.SocketErrorCode);
                metrics.StunDropped(ReflectorMetrics.StunDropReason.SendFailed, length);
            }

            metrics.StunSourcesTracked(_limiter.Count);
            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "STUN server listening on {Endpoint}")]
    private partial void LogListening(EndPoint endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "STUN server off: Reflector:Stun:PrimaryAddress is not set")]
    private partial void LogDisabled();

    [LoggerMessage(Level = LogLevel.Debug, Message = "STUN receive failed: {Error}")]
    private partial void LogReceiveFailed(SocketError error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "STUN response could not be sent: {Error}")]
    private partial void LogSendFailed(SocketError error);
}
