using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FleetMonitor.Probes.Net;
using FleetMonitor.Probes.Sip;
using FleetMonitor.Protocols.Sip;
using FleetMonitor.Protocols.SipAlg;

namespace FleetMonitor.Probes.SipAlg;

/// <summary>
/// One request to the mirror and its final response over UDP (retransmitted on RFC 3261 timer A or E) or TCP, the ACK
/// an INVITE's final response needs, and the verdict read from the response.
/// </summary>
internal sealed class SipAlgExchange(SipTarget target, SipAlgMethod method, TimeProvider timeProvider)
{
    /// <summary>Runs the UDP transaction to <paramref name="remote"/>; <paramref name="token"/> is the deadline, <paramref name="callerToken"/> the caller's.</summary>
    public async Task<SipAlgTransportRun> UdpAsync(IPEndPoint remote, int rtpPort, CancellationToken token, CancellationToken callerToken)
    {
        var run = new SipAlgTransportRun(SipTransport.Udp) { Remote = remote };
        using var socket = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // Connected: the kernel picks the source address the Via must carry, reports ICMP errors, and only the
            // mirror's own replies are read.
            await socket.ConnectAsync(remote, token);
            var local = (IPEndPoint)socket.LocalEndPoint!;
            run.Local = local;
            var request = SipAlgRequest.Create(target, SipTransport.Udp, method, local, rtpPort);
            var bytes = request.ToBytes();
            var buffer = new byte[SipResponseParser.MaxMessageBytes];
            var started = timeProvider.GetTimestamp();
            await socket.SendAsync(bytes, SocketFlags.None, token);
            var sent = started;
            var interval = SipOptionsProbe.T1;
            var proceeding = false;
            while (true)
            {
                // RFC 3261 17.1.1.2: an INVITE is not retransmitted once a provisional response came; other requests are.
                var retransmitting = !(proceeding && method == SipAlgMethod.Invite);
                var left = interval - timeProvider.GetElapsedTime(sent);
                if (retransmitting && left <= TimeSpan.Zero)
                {
                    await socket.SendAsync(bytes, SocketFlags.None, token);
                    sent = timeProvider.GetTimestamp();
                    run.Retransmissions++;

                    // Timer A (INVITE) doubles without bound; timer E (others) up to T2, and T2 once Proceeding.
                    interval = method == SipAlgMethod.Invite ? interval * 2
                        : proceeding || interval * 2 > SipOptionsProbe.T2 ? SipOptionsProbe.T2 : interval * 2;
                    continue;
                }

                int received;
                using (var timer = new CancellationTokenSource(retransmitting ? left : Timeout.InfiniteTimeSpan, timeProvider))
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(token, timer.Token))
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
                    run.Failure = new NetworkFailure(FindingCodes.SipAlgNoVerdict, $"{remote} sent a malformed reply over UDP: {parsed.Error}");
                    return run;
                }

                if (!request.Matches(response))
                    continue;
                if (!response.IsFinal)
                {
                    proceeding = true;
                    continue;
                }

                run.Rtt = timeProvider.GetElapsedTime(started);
                if (method == SipAlgMethod.Invite)
                    await socket.SendAsync(request.AckFor(response), SocketFlags.None, token);
                Conclude(run, request, response);
                return run;
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            callerToken.ThrowIfCancellationRequested();
            run.Failure = new NetworkFailure(FindingCodes.SipAlgTimeout,
                $"no final response from {remote} over UDP after {1 + run.Retransmissions} transmissions: the mirror is down, or something on the way (an ALG, a firewall) drops the request or the reply");
        }
        catch (SocketException e)
        {
            run.Failure = new NetworkFailure(FindingCodes.SipAlgMirrorUnreachable, $"the UDP request to {remote} failed: {e.Message} ({e.SocketErrorCode})");
        }

        return run;
    }

    /// <summary>Connects to the first of <paramref name="addresses"/> that accepts and runs the transaction over TCP.</summary>
    public async Task<SipAlgTransportRun> TcpAsync(IReadOnlyList<IPAddress> addresses, int rtpPort, CancellationToken token, CancellationToken callerToken)
    {
        var run = new SipAlgTransportRun(SipTransport.Tcp);
        var connected = await TcpConnector.ConnectAsync(addresses, target.Port, token);
        if (connected.Socket is null)
        {
            callerToken.ThrowIfCancellationRequested();
            var failure = connected.Failure ?? new NetworkFailure(FindingCodes.TcpConnectFailed, "the connection failed");
            run.Remote = connected.RemoteEndPoint;
            run.Failure = new NetworkFailure(
                failure.Finding == FindingCodes.TcpTimeout ? FindingCodes.SipAlgTimeout : FindingCodes.SipAlgMirrorUnreachable,
                $"{failure.Message} ({failure.Finding})");
            return run;
        }

        using var socket = connected.Socket;
        var remote = connected.RemoteEndPoint!;
        var local = (IPEndPoint)socket.LocalEndPoint!;
        run.Remote = remote;
        run.Local = local;
        var request = SipAlgRequest.Create(target, SipTransport.Tcp, method, local, rtpPort);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var buffer = new byte[SipResponseParser.MaxMessageBytes];
        var count = 0;
        try
        {
            var started = timeProvider.GetTimestamp();
            await stream.WriteAsync(request.ToBytes(), token);
            while (true)
            {
                var parsed = SipResponseParser.ParseStream(buffer.AsSpan(0, count));
                if (parsed.Status == SipParseStatus.Malformed)
                {
                    run.Failure = new NetworkFailure(FindingCodes.SipAlgNoVerdict, $"{remote} sent a malformed reply over TCP: {parsed.Error}");
                    return run;
                }

                if (parsed.Status == SipParseStatus.Incomplete)
                {
                    var read = await stream.ReadAsync(buffer.AsMemory(count), token);
                    if (read == 0)
                    {
                        run.Failure = new NetworkFailure(FindingCodes.SipAlgNoVerdict,
                            $"{remote} closed the connection without a final response: not a FleetMonitor mirror, or it refused the request");
                        return run;
                    }

                    count += read;
                    continue;
                }

                Array.Copy(buffer, parsed.Consumed, buffer, 0, count - parsed.Consumed);
                count -= parsed.Consumed;
                if (parsed.Response is { IsFinal: true } response && request.Matches(response))
                {
                    run.Rtt = timeProvider.GetElapsedTime(started);
                    if (method == SipAlgMethod.Invite)
                        await stream.WriteAsync(request.AckFor(response), token);
                    Conclude(run, request, response);
                    return run;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            callerToken.ThrowIfCancellationRequested();
            run.Failure = new NetworkFailure(FindingCodes.SipAlgTimeout,
                $"no final response from {remote} over TCP before the deadline: the mirror is stuck, or something on the way holds the request");
        }
        catch (IOException e)
        {
            run.Failure = new NetworkFailure(FindingCodes.SipAlgMirrorUnreachable, $"the connection to {remote} failed before a final response: {e.Message}");
        }

        return run;
    }

    private static void Conclude(SipAlgTransportRun run, SipAlgRequest request, SipResponse response)
    {
        run.Response = response;
        var code = response.StatusCode.ToString(CultureInfo.InvariantCulture);
        if (response.StatusCode != request.VerdictStatus)
        {
            run.Failure = new NetworkFailure(FindingCodes.SipAlgNoVerdict,
                $"{run.Remote} answered {code} {response.ReasonPhrase} over {run.Name.ToUpperInvariant()}, not the mirror's {request.VerdictStatus}: is it a FleetMonitor Reflector's SIP mirror?");
            return;
        }

        if (!SipAlgVerdict.TryParse(response.Header(SipAlgVerdict.HeaderName), out var verdict, out var error))
        {
            run.Failure = new NetworkFailure(FindingCodes.SipAlgNoVerdict,
                $"{run.Remote} answered {code} over {run.Name.ToUpperInvariant()} without a readable {SipAlgVerdict.HeaderName} ({error})");
            return;
        }

        run.Verdict = verdict;
    }
}
