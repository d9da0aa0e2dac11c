using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FleetMonitor.Contracts;
using FleetMonitor.Probes.Net;
using FleetMonitor.Probes.Tls;
using FleetMonitor.Protocols.Sip;

namespace FleetMonitor.Probes.Sip;

/// <summary>
/// The <c>sip</c> probe: one SIP OPTIONS request to <c>host[:port]</c> over UDP, TCP or TLS, as a phone's keep-alive
/// sends it, proving that SIP gets through on that transport end to end and timing the transaction.
/// </summary>
/// <remarks>
/// Parameters: <c>transport</c> (<c>udp</c>, <c>tcp</c> or <c>tls</c>; default udp), the port defaulting to 5060 (5061
/// for tls), and for tls the tcp probe's <c>sni</c>, <c>min_days</c> and <c>ca_file</c>. Over UDP the request is
/// retransmitted on RFC 3261 timer E (500 ms, doubling up to 4 s) until a final response, the deadline or timer F
/// (32 s); responses must come back from the address they were sent to, as symmetric response routing (RFC 3581)
/// and any NAT on the way need. Measurements: <c>rtt_ms</c> (first transmission to final response),
/// <c>retransmissions</c>, <c>dns_ms</c> (when a name was looked up), and for tcp/tls <c>connect_ms</c>,
/// <c>tls_handshake_ms</c>, <c>tls_days_to_expiry</c>. Facts: <c>transport</c>, <c>remote_address</c>,
/// <c>local_address</c>, <c>sip_status</c>, <c>sip_reason</c>, <c>sip_provisional</c> (the last 1xx, if any),
/// <c>server</c>, <c>user_agent</c>, <c>allow</c>, <c>received</c> and <c>rport</c> (from the response's top Via), and
/// the tcp probe's TLS facts. A <c>received</c> or <c>rport</c> other than the local address and port is
/// <c>sip.nat_detected</c>, informational: the outcome stays what the status says.
/// </remarks>
public sealed class SipOptionsProbe(TimeProvider timeProvider) : IProbe
{
    /// <summary>RFC 3261 timer T1, the first retransmission interval over UDP.</summary>
    public static readonly TimeSpan T1 = TimeSpan.FromMilliseconds(500);

    /// <summary>RFC 3261 timer T2, the longest retransmission interval over UDP.</summary>
    public static readonly TimeSpan T2 = TimeSpan.FromSeconds(4);

    /// <summary>RFC 3261 timer F (64 * T1), when a non-INVITE transaction gives up whatever the deadline.</summary>
    public static readonly TimeSpan TimerF = 64 * T1;

    private const int DefaultPort = 5060;
    private const int DefaultTlsPort = 5061;

    public SipOptionsProbe()
        : this(TimeProvider.System)
    {
    }

    public string Kind => "sip";

    /// <inheritdoc />
    /// <remarks>Throws <see cref="OperationCanceledException"/> only when <paramref name="cancellationToken"/> fires.</remarks>
    public async Task<ProbeObservation> RunAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var transport = SipTransport.Udp;
        if (request.Parameters.TryGetValue("transport", out var transportText))
        {
            switch (transportText.Trim().ToLowerInvariant())
            {
                case "udp":
                    transport = SipTransport.Udp;
                    break;
                case "tcp":
                    transport = SipTransport.Tcp;
                    break;
                case "tls":
                    transport = SipTransport.Tls;
                    break;
                default:
                    return ObservationBuilder.Invalid(FindingCodes.InvalidParameter, $"transport must be udp, tcp or tls, not '{transportText}'");
            }
        }

        var defaultPort = transport == SipTransport.Tls ? DefaultTlsPort : DefaultPort;
        if (!SipTarget.TryParse(request.Target, defaultPort, out var target))
            return ObservationBuilder.Invalid(FindingCodes.InvalidTarget, $"'{request.Target}' is not host, host:port or [IPv6 address]:port");
        if (ProbeRequestCheck.Refuse(Kind, request) is { } refused)
            return refused;
        if (request.Parameters.TryGetValue("sni", out var sni) && Uri.CheckHostName(sni) != UriHostNameType.Dns)
            return ObservationBuilder.Invalid(FindingCodes.InvalidParameter, $"sni must be a host name, not '{sni}'");

        TlsInspector? inspector = null;
        if (transport == SipTransport.Tls)
        {
            (inspector, var tlsError) = await TlsInspector.CreateAsync(request.Parameters, timeProvider, cancellationToken);
            if (inspector is null)
                return ObservationBuilder.Invalid(FindingCodes.InvalidParameter, tlsError ?? "invalid TLS parameters");
        }

        using (inspector)
        {
            using var deadline = ProbeDeadline.Start(request.Timeout, timeProvider);
            using var timerF = new CancellationTokenSource(TimerF, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token, timerF.Token);
            var observation = new ObservationBuilder();
            observation.Fact("transport", transport.ToString().ToLowerInvariant());
            try
            {
                await RunAsync(target, transport, sni ?? target.Host, inspector, observation, linked.Token, cancellationToken);
                return observation.Build();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                return ObservationBuilder.Invalid(FindingCodes.InternalError, $"the sip probe failed unexpectedly: {e.Message}");
            }
        }
    }

    private async Task RunAsync(
        SipTarget target, SipTransport transport, string serverName, TlsInspector? inspector, ObservationBuilder observation,
        CancellationToken token, CancellationToken callerToken)
    {
        var started = timeProvider.GetTimestamp();
        var resolved = await TcpConnector.ResolveAsync(target.Host, token);
        if (resolved.LookedUp)
            observation.Measure("dns_ms", timeProvider.GetElapsedTime(started));
        if (resolved.Failure is { } dnsFailure)
        {
            callerToken.ThrowIfCancellationRequested();
            observation.Fail(dnsFailure.Finding, dnsFailure.Message);
            return;
        }

        if (transport == SipTransport.Udp)
        {
            await RunUdpAsync(target, new IPEndPoint(resolved.Addresses[0], target.Port), observation, token, callerToken);
            return;
        }

        started = timeProvider.GetTimestamp();
        var connected = await TcpConnector.ConnectAsync(resolved.Addresses, target.Port, token);
        if (connected.Socket is null)
        {
            callerToken.ThrowIfCancellationRequested();
            var failure = connected.Failure ?? new NetworkFailure(FindingCodes.TcpConnectFailed, "the connection failed");
            observation.Fail(failure.Finding, failure.Message);
            return;
        }

        using var socket = connected.Socket;
        observation.Measure("connect_ms", timeProvider.GetElapsedTime(started));
        observation.Fact("remote_address", connected.RemoteEndPoint!.ToString());
        var local = (IPEndPoint)socket.LocalEndPoint!;
        observation.Fact("local_address", local.ToString());

        Stream stream;
        if (inspector is null)
        {
            stream = new NetworkStream(socket, ownsSocket: false);
        }
        else if (await TlsClientHandshake.AuthenticateAsync(socket, serverName, inspector, observation, timeProvider, token, callerToken) is { } tls)
        {
            stream = tls;
        }
        else
        {
            return;
        }

        await using (stream)
            await RunStreamAsync(stream, SipOptionsRequest.Create(target, transport, local), local, connected.RemoteEndPoint!, observation, token, callerToken);
    }

    private async Task RunUdpAsync(SipTarget target, IPEndPoint remote, ObservationBuilder observation, CancellationToken token, CancellationToken callerToken)
    {
        using var socket = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        var retransmissions = 0;
        try
        {
            // Connected, so that the kernel picks the source address for the Via, ICMP errors are reported, and only
            // the server's replies are read.
            await socket.ConnectAsync(remote, token);
            var local = (IPEndPoint)socket.LocalEndPoint!;
            observation.Fact("remote_address", remote.ToString());
            observation.Fact("local_address", local.ToString());

            var request = SipOptionsRequest.Create(target, SipTransport.Udp, local);
            var bytes = request.ToBytes();
            var buffer = new byte[SipResponseParser.MaxMessageBytes];
            var started = timeProvider.GetTimestamp();
            await socket.SendAsync(bytes, SocketFlags.None, token);
            var sent = started;
            var interval = T1;
            var proceeding = false;
            while (true)
            {
                // Timer E runs from the last transmission, whatever arrives meanwhile (strays must not hold it back).
                var left = interval - timeProvider.GetElapsedTime(sent);
                if (left <= TimeSpan.Zero)
                {
                    await socket.SendAsync(bytes, SocketFlags.None, token);
                    sent = timeProvider.GetTimestamp();
                    retransmissions++;

                    // RFC 3261 17.1.2.2: doubling up to T2 while Trying, T2 once a provisional response came (Proceeding).
                    interval = proceeding || interval * 2 > T2 ? T2 : interval * 2;
                    continue;
                }

                int received;
                using (var timerE = new CancellationTokenSource(left, timeProvider))
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(token, timerE.Token))
                {
                    try
                    {
                        received = await socket.ReceiveAsync(buffer, SocketFlags.None, wait.Token);
                    }
                    catch (OperationCanceledException) when (!token.IsCancellationRequested)
                    {
                        continue;
                    }
                }

                var parsed = SipResponseParser.ParseDatagram(buffer.AsSpan(0, received));
                if (parsed.Status == SipParseStatus.KeepAlive)
                    continue;
                if (parsed.Response is not { } response)
                {
                    observation.Fail(FindingCodes.SipMalformedResponse, $"{remote} sent a malformed reply: {parsed.Error}");
                    return;
                }

                // A response to an earlier probe from the same port, or to someone else: not this transaction's.
                if (!request.Matches(response))
                    continue;
                if (!response.IsFinal)
                {
                    proceeding = true;
                    observation.Fact("sip_provisional", response.StatusCode.ToString(CultureInfo.InvariantCulture));
                    continue;
                }

                Report(response, timeProvider.GetElapsedTime(started), local, remote, observation);
                return;
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            callerToken.ThrowIfCancellationRequested();
            observation.Fail(FindingCodes.SipTimeout,
                $"no final response from {remote} over UDP after {1 + retransmissions} transmissions");
        }
        catch (SocketException e)
        {
            observation.Fail(FindingCodes.SipUnreachable, $"the UDP request to {remote} failed: {e.Message} ({e.SocketErrorCode})");
        }
        finally
        {
            observation.Measure("retransmissions", retransmissions);
        }
    }

    private async Task RunStreamAsync(
        Stream stream, SipOptionsRequest request, IPEndPoint local, IPEndPoint remote, ObservationBuilder observation,
        CancellationToken token, CancellationToken callerToken)
    {
        // Reliable transports are not retransmitted on (RFC 3261 17.1.2.2); the count is there for a uniform report.
        observation.Measure("retransmissions", 0);
        var buffer = new byte[SipResponseParser.MaxMessageBytes];
        var count = 0;
        try
        {
            var started = timeProvider.GetTimestamp();
            await stream.WriteAsync(request.ToBytes(), token);
            await stream.FlushAsync(token);
            while (true)
            {
                var parsed = SipResponseParser.ParseStream(buffer.AsSpan(0, count));
                if (parsed.Status == SipParseStatus.Malformed)
                {
                    observation.Fail(FindingCodes.SipMalformedResponse, $"{remote} sent a malformed reply: {parsed.Error}");
                    return;
                }

                if (parsed.Status == SipParseStatus.Incomplete)
                {
                    // The parser refuses a message larger than the buffer before the buffer fills up.
                    var read = await stream.ReadAsync(buffer.AsMemory(count), token);
                    if (read == 0)
                    {
                        observation.Fail(
                            count == 0 ? FindingCodes.SipConnectionClosed : FindingCodes.SipMalformedResponse,
                            count == 0
                                ? $"{remote} closed the connection without a final response"
                                : $"{remote} closed the connection in the middle of a reply");
                        return;
                    }

                    count += read;
                    continue;
                }

                Array.Copy(buffer, parsed.Consumed, buffer, 0, count - parsed.Consumed);
                count -= parsed.Consumed;
                if (parsed.Response is { IsFinal: true } response && request.Matches(response))
                {
                    Report(response, timeProvider.GetElapsedTime(started), local, remote, observation);
                    return;
                }

                if (parsed.Response is { } provisional && request.Matches(provisional))
                    observation.Fact("sip_provisional", provisional.StatusCode.ToString(CultureInfo.InvariantCulture));
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            callerToken.ThrowIfCancellationRequested();
            observation.Fail(FindingCodes.SipTimeout, $"no final response from {remote} before the deadline");
        }
        catch (IOException e)
        {
            observation.Fail(FindingCodes.SipConnectionClosed, $"the connection to {remote} failed before a final response: {e.Message}");
        }
    }

    private static void Report(SipResponse response, TimeSpan elapsed, IPEndPoint local, IPEndPoint remote, ObservationBuilder observation)
    {
        observation.Measure("rtt_ms", elapsed);
        var code = response.StatusCode;
        observation.Fact("sip_status", code.ToString(CultureInfo.InvariantCulture));
        observation.Fact("sip_reason", response.ReasonPhrase);
        if (response.JoinedHeader("Server") is { } server)
            observation.Fact("server", server);
        if (response.JoinedHeader("User-Agent") is { } userAgent)
            observation.Fact("user_agent", userAgent);
        if (response.JoinedHeader("Allow") is { } allow)
            observation.Fact("allow", allow);

        var via = response.TopVia;
        if (via.Received is { } received)
            observation.Fact("received", received);
        if (via.Rport is { } rport)
            observation.Fact("rport", rport);
        if (NatEvidence(via, local) is { } evidence)
            observation.Add(FindingCodes.SipNatDetected, ProbeOutcome.Ok, evidence);

        if (code is >= 200 and <= 299)
            return;

        var message = $"{remote} answered {code} {response.ReasonPhrase}";
        observation.Fail(code switch
        {
            >= 400 and <= 499 => FindingCodes.SipStatus4xx,
            >= 500 and <= 599 => FindingCodes.SipStatus5xx,
            _ => FindingCodes.SipStatusUnexpected,
        }, message);
        observation.Fail(FindingCodes.SipStatus(code), message);
    }

    /// <summary>What the server saw (RFC 3581 received and rport) against what the probe sent from; null when they agree.</summary>
    private static string? NatEvidence(SipVia via, IPEndPoint local)
    {
        var localAddress = local.Address.IsIPv4MappedToIPv6 ? local.Address.MapToIPv4() : local.Address;
        if (via.Received is { } received && IPAddress.TryParse(received.Trim('[', ']'), out var seen))
        {
            seen = seen.IsIPv4MappedToIPv6 ? seen.MapToIPv4() : seen;
            if (!seen.Equals(localAddress))
                return $"the server saw the request from {received}, not from {localAddress}";
        }

        if (via.Rport is { } rport && int.TryParse(rport, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port != local.Port)
            return $"the server saw the request from port {port}, not from {local.Port}";
        return null;
    }
}
