using System.Net;
using System.Net.Sockets;
using FleetMonitor.Protocols.Sip;
using FleetMonitor.Reflector.Echo;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Reflector.SipMirror;

/// <summary>
/// The SIP mirror, the <c>sip-alg</c> probe's far end: on each configured endpoint it listens on UDP and TCP, answers
/// each well-formed probe request with a verdict saying which of the probe's values arrived rewritten
/// (<see cref="SipMirrorResponder"/>), within a per-source rate limit, and drops and counts everything else.
/// </summary>
internal sealed partial class SipMirrorService(
    IOptions<SipMirrorOptions> options, ReflectorMetrics metrics, TimeProvider timeProvider, ILogger<SipMirrorService> logger)
    : BackgroundService
{
    private const string Udp = "udp";
    private const string Tcp = "tcp";

    // With port 0, the system's UDP port may be taken on TCP: a few tries at a pair that is free on both.
    private const int BindAttempts = 10;

    // INVITE, ACK and a retransmission or two; a connection that wants more is not a probe's.
    private const int MaxMessagesPerConnection = 8;

    private readonly List<Socket> _udp = [];
    private readonly List<Socket> _tcp = [];
    private readonly SourceRateLimiter _limiter = new(
        timeProvider, options.Value.RequestsPerSecondPerSource, options.Value.BurstPerSource, options.Value.MaxTrackedSources);

    private int _connections;

    /// <summary>The UDP endpoints bound (TCP listens on the same address and port).</summary>
    public IReadOnlyList<IPEndPoint> LocalEndpoints => [.. _udp.Select(s => (IPEndPoint)s.LocalEndPoint!)];

    /// <summary>Binds every endpoint on UDP and TCP before the host reports started, so that a port in use stops the start.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var endpoints = options.Value.ParsedEndpoints();
        if (endpoints.Count == 0)
            LogOff(SipMirrorOptions.SectionName);
        foreach (var endpoint in endpoints)
        {
            var (udp, tcp) = Bind(endpoint);
            _udp.Add(udp);
            _tcp.Add(tcp);
            LogListening(Udp, udp.LocalEndPoint!);
            LogListening(Tcp, tcp.LocalEndPoint!);
        }

        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        foreach (var socket in _udp.Concat(_tcp))
            socket.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_udp.Select(s => ServeUdpAsync(s, stoppingToken)).Concat(_tcp.Select(s => AcceptAsync(s, stoppingToken))));

    private static (Socket Udp, Socket Tcp) Bind(IPEndPoint endpoint)
    {
        for (var attempt = 1; ; attempt++)
        {
            var udp = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            var tcp = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            var transport = Udp;
            try
            {
                udp.Bind(endpoint);
                transport = Tcp;
                tcp.Bind(udp.LocalEndPoint!);
                tcp.Listen(512);
                return (udp, tcp);
            }
            catch (SocketException e)
            {
                udp.Dispose();
                tcp.Dispose();
                if (endpoint.Port == 0 && transport == Tcp && e.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < BindAttempts)
                    continue;
                throw new InvalidOperationException($"the SIP mirror cannot bind {endpoint} on {transport}: {e.Message} ({e.SocketErrorCode})", e);
            }
        }
    }

    private Task ServeUdpAsync(Socket socket, CancellationToken cancellationToken)
    {
        // Large enough for any datagram, so that an oversized one is seen whole and refused by its length.
        var buffer = new byte[65536];
        var minSourcePort = options.Value.MinSourcePort;
        return UdpReceiveLoop.RunAsync(socket, buffer, HandleAsync, LogReceiveFailed, cancellationToken);

        // True to go on receiving, false when the host is stopping.
        async ValueTask<bool> HandleAsync(int length, IPEndPoint source)
        {
            if (source.Port < minSourcePort)
            {
                metrics.SipMirrorDropped(Udp, ReflectorMetrics.SipMirrorDropReason.SourcePort, length);
                return true;
            }

            if (length > SipMirrorResponder.MaxRequestBytes)
            {
                metrics.SipMirrorDropped(Udp, ReflectorMetrics.SipMirrorDropReason.TooLarge, length);
                return true;
            }

            var parsed = SipRequestParser.ParseDatagram(buffer.AsSpan(0, length));
            if (parsed.Status == SipParseStatus.KeepAlive)
                return true;
            if (parsed.Request is not { } request)
            {
                metrics.SipMirrorDropped(Udp, ReflectorMetrics.SipMirrorDropReason.Malformed, length);
                return true;
            }

            if (Decide(request, length, source, SipTransport.Udp) is not { } reply)
                return true;
            try
            {
                await socket.SendToAsync(reply.Bytes, SocketFlags.None, source, cancellationToken);
                metrics.SipMirrorAnswered(Udp, reply.Rewritten, length, reply.Bytes.Length);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            catch (SocketException e)
            {
                LogSendFailed(e.SocketErrorCode);
                metrics.SipMirrorDropped(Udp, ReflectorMetrics.SipMirrorDropReason.SendFailed, length);
            }

            return true;
        }
    }

    private async Task AcceptAsync(Socket listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException
                || e is SocketException { SocketErrorCode: SocketError.OperationAborted or SocketError.Shutdown })
            {
                return;
            }
            catch (SocketException e)
            {
                LogReceiveFailed(e.SocketErrorCode);
                continue;
            }

            if (Interlocked.Increment(ref _connections) > options.Value.MaxTcpConnections)
            {
                Interlocked.Decrement(ref _connections);
                metrics.SipMirrorDropped(Tcp, ReflectorMetrics.SipMirrorDropReason.TooManyConnections, 0);
                client.Dispose();
                continue;
            }

            metrics.SipMirrorConnectionsOpen(Volatile.Read(ref _connections));
            _ = ServeConnectionAsync(client, cancellationToken);
        }
    }

    /// <summary>Reads requests off one connection until it closes, idles, errs or sends something the mirror does not answer.</summary>
    private async Task ServeConnectionAsync(Socket client, CancellationToken cancellationToken)
    {
        var count = 0;
        try
        {
            using (client)
            await using (var stream = new NetworkStream(client, ownsSocket: false))
            {
                var remote = (IPEndPoint)client.RemoteEndPoint!;
                var buffer = new byte[SipMirrorResponder.MaxRequestBytes];
                var idle = TimeSpan.FromSeconds(options.Value.TcpIdleTimeoutSeconds);
                for (var messages = 0; messages < MaxMessagesPerConnection;)
                {
                    var parsed = SipRequestParser.ParseStream(buffer.AsSpan(0, count));
                    if (parsed.Status == SipParseStatus.Incomplete)
                    {
                        if (count == buffer.Length)
                        {
                            metrics.SipMirrorDropped(Tcp, ReflectorMetrics.SipMirrorDropReason.TooLarge, count);
                            return;
                        }

                        using var timer = new CancellationTokenSource(idle, timeProvider);
                        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
                        int read;
                        try
                        {
                            read = await stream.ReadAsync(buffer.AsMemory(count), wait.Token);
                        }
                        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                        {
                            metrics.SipMirrorDropped(Tcp, ReflectorMetrics.SipMirrorDropReason.Idle, count);
                            return;
                        }

                        if (read == 0)
                            return;
                        count += read;
                        continue;
                    }

                    if (parsed.Status == SipParseStatus.Malformed)
                    {
                        metrics.SipMirrorDropped(Tcp, ReflectorMetrics.SipMirrorDropReason.Malformed, count);
                        return;
                    }

                    Array.Copy(buffer, parsed.Consumed, buffer, 0, count - parsed.Consumed);
                    count -= parsed.Consumed;
                    if (parsed.Request is not { } request)
                        continue;
                    messages++;
                    var decided = Decide(request, parsed.Consumed, remote, SipTransport.Tcp);
                    if (decided is null && request.Method == "ACK")
                        continue;
                    if (decided is not { } reply)
                        return;
                    await stream.WriteAsync(reply.Bytes, cancellationToken);
                    metrics.SipMirrorAnswered(Tcp, reply.Rewritten, parsed.Consumed, reply.Bytes.Length);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer reset or the host is stopping: nothing to answer.
        }
        finally
        {
            metrics.SipMirrorConnectionsOpen(Interlocked.Decrement(ref _connections));
        }
    }

    /// <summary>The reply to send, or null when the message is absorbed (an ACK) or dropped (counted here).</summary>
    private Reply? Decide(SipRequest request, int length, IPEndPoint source, SipTransport transport)
    {
        var name = transport == SipTransport.Udp ? Udp : Tcp;
        var decision = SipMirrorResponder.Decide(request, length, source, transport);
        if (decision.IsAck)
        {
            metrics.SipMirrorAcked(name, length);
            return null;
        }

        var reason = decision.DropReason ?? _limiter.TryAcquire(source.Address) switch
        {
            RateDecision.RateLimited => ReflectorMetrics.SipMirrorDropReason.RateLimited,
            RateDecision.TooManySources => ReflectorMetrics.SipMirrorDropReason.TooManySources,
            _ => null,
        };
        metrics.SipMirrorSourcesTracked(_limiter.Count);
        if (reason is not null)
        {
            metrics.SipMirrorDropped(name, reason, length);
            return null;
        }

        return new Reply(decision.Reply!, decision.Rewritten);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SIP mirror listening on {Transport} {Endpoint}")]
    private partial void LogListening(string transport, EndPoint endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "SIP mirror off: no endpoints in {Section}:Endpoints")]
    private partial void LogOff(string section);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SIP mirror receive failed: {Error}")]
    private partial void LogReceiveFailed(SocketError error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SIP mirror reply could not be sent: {Error}")]
    private partial void LogSendFailed(SocketError error);

    private sealed record Reply(byte[] Bytes, IReadOnlyList<string> Rewritten);
}
