using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using FleetMonitor.Probes.Net;
using FleetMonitor.Protocols.Media;
using FleetMonitor.Protocols.Tcp;

namespace FleetMonitor.Probes.Media;

/// <summary>
/// The <c>media</c> probe: sends a G.711-shaped UDP stream to a Reflector's echo at <c>host:port</c>, as a phone's RTP
/// would leave the site, and judges the echoes that come back: loss, loss bursts, round-trip time, RFC 3550 jitter
/// and the E-model's R and MOS.
/// </summary>
/// <remarks>
/// <para>Parameters: <c>packet_bytes</c> (24..1200, default 172: 20 ms of G.711 with its RTP header),
/// <c>interval_ms</c> (1..1000, default 20), <c>count</c> (1..10000, default 250: five seconds),
/// <c>local_ports</c> (a port or range to send from, such as the phone's RTP range <c>16384-16484</c>; default any),
/// and the thresholds <c>max_loss_percent</c> (default 1), <c>max_jitter_ms</c> (default 30), <c>min_mos</c>
/// (default 3.6, compared with <c>mos_plc</c>: phones conceal lost G.711 frames).</para>
/// <para>Measurements: <c>packets_sent</c>, <c>packets_received</c>, <c>packets_duplicated</c>, <c>loss_ratio</c>,
/// <c>max_burst</c>, <c>burst_ratio</c>, and when something came back <c>rtt_min_ms</c>, <c>rtt_avg_ms</c>,
/// <c>rtt_p95_ms</c>, <c>jitter_ms</c>, <c>r_factor</c> (with PLC), <c>mos_plc</c>, <c>mos_no_plc</c>. Facts:
/// <c>remote_address</c>, <c>local_port</c>, <c>loss_scope</c> (always <c>round_trip</c>), <c>stopped_early</c>
/// (<c>deadline</c> when the deadline came before <c>count</c> packets were sent), <c>port_unreachable</c>.</para>
/// <para>The loss is round-trip loss: a lost packet may have been lost on the way out or its echo on the way back;
/// telling them apart needs the reflector to report what it received. Jitter is RFC 3550's estimate on the
/// returning stream against the send times, so it holds the variation of both directions. The one-way delay given to
/// the E-model is half the average RTT, and its packetisation delay is the packet interval.</para>
/// <para>Bounded: never more than <c>count</c> packets; sending stops early enough to leave up to a second for the last
/// echoes before the deadline, and everything stops at the deadline.</para>
/// </remarks>
public sealed class MediaStreamProbe(TimeProvider timeProvider) : IProbe
{
    /// <summary>The longest wait for the last echoes after the last packet.</summary>
    private static readonly TimeSpan LongestEchoWait = TimeSpan.FromSeconds(1);

    public MediaStreamProbe()
        : this(TimeProvider.System)
    {
    }

    public string Kind => "media";

    /// <inheritdoc />
    /// <remarks>Throws <see cref="OperationCanceledException"/> only when <paramref name="cancellationToken"/> fires.</remarks>
    public async Task<ProbeObservation> RunAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!TcpTarget.TryParse(request.Target, out var target))
            return ObservationBuilder.Invalid(FindingCodes.InvalidTarget, $"'{request.Target}' is not host:port or [IPv6 address]:port");
        if (ProbeRequestCheck.Refuse(Kind, request) is { } refused)
            return refused;
        var (settings, parameterError) = MediaStreamSettings.Parse(request.Parameters);
        if (settings is null)
            return ObservationBuilder.Invalid(FindingCodes.InvalidParameter, parameterError ?? "invalid media parameters");

        var started = timeProvider.GetTimestamp();
        using var deadline = ProbeDeadline.Start(request.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await RunAsync(target, settings, new Budget(started, request.Timeout), linked.Token, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            return ObservationBuilder.Invalid(FindingCodes.InternalError, $"the media probe failed unexpectedly: {e.Message}");
        }
    }

    private async Task<ProbeObservation> RunAsync(
        TcpTarget target, MediaStreamSettings settings, Budget budget, CancellationToken token, CancellationToken callerToken)
    {
        var observation = new ObservationBuilder();
        var resolved = await TcpConnector.ResolveAsync(target.Host, token);
        if (resolved.Failure is { } dnsFailure)
        {
            callerToken.ThrowIfCancellationRequested();
            observation.Fail(dnsFailure.Finding, dnsFailure.Message);
            return observation.Build();
        }

        var remote = new IPEndPoint(resolved.Addresses[0], target.Port);
        var (socket, bindError) = Bind(remote.AddressFamily, settings.LocalPorts);
        if (socket is null)
            return ObservationBuilder.Invalid(FindingCodes.MediaLocalPortUnavailable, bindError ?? "no local port could be bound");

        using (socket)
        {
            observation.Fact("remote_address", remote.ToString());
            observation.Fact("local_port", ((IPEndPoint)socket.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture));
            observation.Fact("loss_scope", "round_trip");
            try
            {
                // Connected, so that the kernel delivers datagrams from the reflector only and reports its ICMP errors.
                socket.Connect(remote);
            }
            catch (SocketException e)
            {
                observation.Measure("packets_sent", 0);
                observation.Measure("packets_received", 0);
                observation.Fail(FindingCodes.MediaNoEcho, $"no packet could be sent to {remote}: {e.Message} ({e.SocketErrorCode})");
                return observation.Build();
            }

            var run = new MediaStreamRun(RandomStreamId(), settings.Count);
            var stoppedEarly = await StreamAsync(socket, run, settings, budget, token, callerToken);
            if (stoppedEarly)
                observation.Fact("stopped_early", "deadline");
            if (run.Refused)
                observation.Fact("port_unreachable", "true");
            Judge(run, settings, remote, observation);
            return observation.Build();
        }
    }

    /// <summary>Sends the stream and receives its echoes; true when the deadline came before every packet was sent.</summary>
    private async Task<bool> StreamAsync(
        Socket socket, MediaStreamRun run, MediaStreamSettings settings, Budget budget, CancellationToken token, CancellationToken callerToken)
    {
        using var stopReceiving = CancellationTokenSource.CreateLinkedTokenSource(token);
        var receiving = ReceiveAsync(socket, run, stopReceiving.Token);
        var sentAll = false;
        try
        {
            sentAll = await SendAsync(socket, run, settings, budget, token);
            run.SendingDone();

            var remaining = budget.Remaining(timeProvider);
            var echoWait = remaining < LongestEchoWait ? remaining : LongestEchoWait;
            if (echoWait > TimeSpan.Zero)
            {
                using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(token);
                var waited = Task.Delay(echoWait, timeProvider, stopWaiting.Token);
                await Task.WhenAny(run.AllEchoed, waited);
                await stopWaiting.CancelAsync();
                token.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (!callerToken.IsCancellationRequested)
        {
            // The deadline: judge what was sent and came back so far.
        }
        finally
        {
            await stopReceiving.CancelAsync();
            await receiving;
        }

        callerToken.ThrowIfCancellationRequested();
        return !sentAll;
    }

    /// <summary>Sends up to <c>count</c> packets on schedule; false when the time budget ran out first.</summary>
    private async Task<bool> SendAsync(Socket socket, MediaStreamRun run, MediaStreamSettings settings, Budget budget, CancellationToken token)
    {
        var packet = new byte[settings.PacketBytes];
        var interval = TimeSpan.FromMilliseconds(settings.IntervalMs);
        var streamStarted = timeProvider.GetTimestamp();
        for (var sequence = 0u; sequence < (uint)settings.Count; sequence++)
        {
            // The schedule is absolute, so that a late wake-up does not delay every later packet.
            var wait = (interval * sequence) - timeProvider.GetElapsedTime(streamStarted);
            if (!budget.AllowsSendingAfter(timeProvider, wait, LongestEchoWait))
                return false;
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, timeProvider, token);

            var now = timeProvider.GetTimestamp();
            MediaPacket.Write(packet, new MediaPacketHeader(run.StreamId, sequence, now));
            run.Sending(sequence, now);
            if (!await TrySendAsync(socket, packet, run, token))
                run.NotSent(sequence);
        }

        return true;
    }

    private static async Task<bool> TrySendAsync(Socket socket, byte[] packet, MediaStreamRun run, CancellationToken token)
    {
        // An ICMP error for an earlier packet is reported by the next call on the socket, this send included; that
        // reading consumes it, so one retry sends the packet.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                await socket.SendAsync(packet, SocketFlags.None, token);
                return true;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                run.PortUnreachable();
            }
            catch (SocketException e)
            {
                run.Error($"{e.Message} ({e.SocketErrorCode})");
            }
        }

        return false;
    }

    private async Task ReceiveAsync(Socket socket, MediaStreamRun run, CancellationToken token)
    {
        // One byte more than the largest packet, so that an oversized datagram shows as such.
        var buffer = new byte[MediaPacket.MaxLength + 1];
        var errors = 0;
        while (!token.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await socket.ReceiveAsync(buffer, SocketFlags.None, token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                run.PortUnreachable();
                continue;
            }
            catch (SocketException e)
            {
                run.Error($"{e.Message} ({e.SocketErrorCode})");
                // Each ICMP error is reported once; an error that repeats without end is the socket's, not the path's.
                if (++errors > 100)
                    return;
                continue;
            }

            var arrived = timeProvider.GetTimestamp();
            if (MediaPacket.TryRead(buffer.AsSpan(0, length), out var header))
                run.Received(header, arrived);
            else
                run.Unrelated();
        }
    }

    private void Judge(MediaStreamRun run, MediaStreamSettings settings, IPEndPoint remote, ObservationBuilder observation)
    {
        var loss = LossAnalysis.FromPattern(run.Pattern(), run.Duplicates);
        observation.Measure("packets_sent", loss.Sent);
        observation.Measure("packets_received", loss.Received);
        observation.Measure("packets_duplicated", loss.Duplicates);
        observation.Measure("loss_ratio", Math.Round(loss.LossRatio, 6));
        observation.Measure("max_burst", loss.MaxBurst);
        observation.Measure("burst_ratio", Math.Round(loss.BurstRatio, 3));

        if (loss.Sent == 0)
        {
            observation.Fail(FindingCodes.MediaNoEcho, $"no packet could be sent to {remote}: {run.SocketError ?? "the send failed"}");
            return;
        }

        if (loss.Received == 0)
        {
            var why = run.Refused
                ? $"{remote} answered that nothing listens on that port (ICMP port unreachable)"
                : $"none of the {loss.Sent} packets sent to {remote} came back";
            observation.Fail(FindingCodes.MediaNoEcho, why);
            return;
        }

        var rtts = run.Echoes.Select(e => Milliseconds(e.ReceivedAt - e.SentAt)).Order().ToArray();
        var jitter = new JitterEstimator();
        foreach (var echo in run.Echoes)
            jitter.Add(Milliseconds(echo.SentAt), Milliseconds(echo.ReceivedAt));

        var rttAverage = rtts.Average();
        var lossPercent = loss.LossRatio * 100;
        var oneWay = rttAverage / 2;
        var rPlc = EModel.RFactor(oneWay, jitter.JitterMs, settings.IntervalMs, lossPercent, loss.BurstRatio, concealment: true);
        var rNoPlc = EModel.RFactor(oneWay, jitter.JitterMs, settings.IntervalMs, lossPercent, loss.BurstRatio, concealment: false);
        var mosPlc = Math.Round(EModel.Mos(rPlc), 2);

        observation.Measure("rtt_min_ms", Math.Round(rtts[0], 3));
        observation.Measure("rtt_avg_ms", Math.Round(rttAverage, 3));
        observation.Measure("rtt_p95_ms", Math.Round(NearestRank(rtts, 0.95), 3));
        observation.Measure("jitter_ms", Math.Round(jitter.JitterMs, 3));
        observation.Measure("r_factor", Math.Round(rPlc, 1));
        observation.Measure("mos_plc", mosPlc);
        observation.Measure("mos_no_plc", Math.Round(EModel.Mos(rNoPlc), 2));

        if (lossPercent > settings.MaxLossPercent)
            observation.Degrade(FindingCodes.MediaLossHigh, Invariant($"round-trip loss {lossPercent:0.##} % is above {settings.MaxLossPercent} %"));
        if (jitter.JitterMs > settings.MaxJitterMs)
            observation.Degrade(FindingCodes.MediaJitterHigh, Invariant($"jitter {jitter.JitterMs:0.#} ms is above {settings.MaxJitterMs} ms"));
        if (mosPlc < settings.MinMos)
            observation.Degrade(FindingCodes.MediaMosLow, Invariant($"MOS {mosPlc:0.00} is below {settings.MinMos}"));
    }

    /// <summary>The nearest-rank percentile of sorted values.</summary>
    internal static double NearestRank(IReadOnlyList<double> sorted, double fraction)
    {
        var rank = (int)Math.Ceiling(fraction * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private double Milliseconds(long ticks) => ticks * 1000.0 / timeProvider.TimestampFrequency;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static uint RandomStreamId() => BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4));

    /// <summary>A UDP socket bound to a port of <paramref name="ports"/> (from a random starting point), or to any port.</summary>
    private static (Socket? Socket, string? Error) Bind(AddressFamily family, PortRange? ports)
    {
        var any = family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
        var socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
        if (ports is null)
        {
            socket.Bind(new IPEndPoint(any, 0));
            return (socket, null);
        }

        var start = RandomNumberGenerator.GetInt32(ports.Count);
        SocketException? last = null;
        for (var i = 0; i < ports.Count; i++)
        {
            try
            {
                socket.Bind(new IPEndPoint(any, ports.First + ((start + i) % ports.Count)));
                return (socket, null);
            }
            catch (SocketException e)
            {
                last = e;
            }
        }

        socket.Dispose();
        return (null, $"no port of {ports.First}-{ports.Last} could be bound: {last?.Message} ({last?.SocketErrorCode})");
    }

    /// <summary>The probe's time budget: its start and its timeout (possibly infinite).</summary>
    private readonly record struct Budget(long Started, TimeSpan Timeout)
    {
        public TimeSpan Remaining(TimeProvider clock) =>
            Timeout == System.Threading.Timeout.InfiniteTimeSpan ? TimeSpan.MaxValue : Timeout - clock.GetElapsedTime(Started);

        /// <summary>
        /// Whether a packet sent after <paramref name="wait"/> still leaves time for its echo: up to
        /// <paramref name="echoWait"/>, and at most half of the whole timeout.
        /// </summary>
        public bool AllowsSendingAfter(TimeProvider clock, TimeSpan wait, TimeSpan echoWait)
        {
            if (Timeout == System.Threading.Timeout.InfiniteTimeSpan)
                return true;
            var reserve = echoWait < Timeout / 2 ? echoWait : Timeout / 2;
            return clock.GetElapsedTime(Started) + (wait > TimeSpan.Zero ? wait : TimeSpan.Zero) <= Timeout - reserve;
        }
    }
}
