using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using FleetMonitor.Contracts;
using FleetMonitor.Probes.Net;
using FleetMonitor.Protocols.Sip;
using FleetMonitor.Protocols.SipAlg;

namespace FleetMonitor.Probes.SipAlg;

/// <summary>
/// The <c>sip-alg</c> probe: asks the Reflector's SIP mirror (<c>host[:port]</c>, port 5060 by default) whether a SIP ALG
/// on the way rewrote what a phone on this LAN sends, over each transport of <c>transports</c>.
/// </summary>
/// <remarks>
/// The request (<c>method</c> <c>invite</c>, the default, or <c>options</c>) carries the agent's private address and port
/// in its Via, Contact and From and in an SDP offer, and the same values encoded where no ALG looks
/// (<see cref="SipAlgSnapshot"/>); the mirror answers with a verdict (<see cref="SipAlgVerdict"/>). An ALG rewrites the
/// reply back on the way in, so nothing but the mirror's verdict can tell. INVITE is the default because Linux's ALG (and
/// many others) rewrites the SDP of an INVITE only; the mirror declines it (603) and the probe ACKs, so no call is set up.
/// Parameters: <c>transports</c> (<c>udp,tcp</c> by default; TLS is pointless, no ALG can read it), <c>method</c>,
/// <c>ports</c> (more of the mirror's ports to check besides the target's, comma-separated; default <c>5060</c>: a
/// router's ALG watches 5060 whatever port the PBX uses, so with the target on the PBX's port both are checked; the
/// mirror must listen on each). Facts: <c>ports_checked</c> (the ports, the target's first), and per transport and
/// port, prefixed <c>udp.</c> or <c>tcp.</c> on the target's port and <c>udp.PORT.</c> or <c>tcp.PORT.</c> on the
/// others: <c>rewritten</c> (the fields, or <c>none</c>),
/// <c>source</c> (the address the mirror saw), <c>local_address</c>, <c>remote_address</c>, <c>sip_status</c>, the
/// reply's <c>received</c> and <c>rport</c> as they arrived, <c>reply_via_rewritten</c>; measurements <c>rtt_ms</c> and
/// <c>retransmissions</c>. Findings: <c>sip.alg.rewrote_via</c>, <c>_contact</c>, <c>_from</c>, <c>_sdp</c> (outcome
/// Degraded: an ALG breaks phones), <c>sip.alg.none</c>, <c>sip.nat_detected</c> (informational),
/// <c>sip.alg.mirror_unreachable</c>, <c>sip.alg.timeout</c>, <c>sip.alg.no_verdict</c> (outcome Failed).
/// </remarks>
public sealed class SipAlgProbe(TimeProvider timeProvider) : IProbe
{
    private const int DefaultPort = 5060;

    // The offered RTP port, even as RTP ports are, in the range many phones use (16384-32767).
    private const int FirstRtpPort = 16384;
    private const int RtpPorts = 8190;

    public SipAlgProbe()
        : this(TimeProvider.System)
    {
    }

    public string Kind => "sip-alg";

    /// <inheritdoc />
    /// <remarks>Throws <see cref="OperationCanceledException"/> only when <paramref name="cancellationToken"/> fires.</remarks>
    public async Task<ProbeObservation> RunAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ParseTransports(request.Parameters.GetValueOrDefault("transports")) is not { } transports)
        {
            return ObservationBuilder.Invalid(FindingCodes.InvalidParameter,
                $"transports must be a comma-separated list of udp and tcp (no ALG can read tls), not '{request.Parameters["transports"]}'");
        }

        var method = SipAlgMethod.Invite;
        if (request.Parameters.TryGetValue("method", out var methodText))
        {
            switch (methodText.Trim().ToLowerInvariant())
            {
                case "invite":
                    method = SipAlgMethod.Invite;
                    break;
                case "options":
                    method = SipAlgMethod.Options;
                    break;
                default:
                    return ObservationBuilder.Invalid(FindingCodes.InvalidParameter, $"method must be invite or options, not '{methodText}'");
            }
        }

        if (!SipTarget.TryParse(request.Target, DefaultPort, out var target))
            return ObservationBuilder.Invalid(FindingCodes.InvalidTarget, $"'{request.Target}' is not host, host:port or [IPv6 address]:port");
        if (ParsePorts(request.Parameters.GetValueOrDefault("ports"), target.Port) is not { } ports)
            return ObservationBuilder.Invalid(FindingCodes.InvalidParameter, $"ports must be a comma-separated list of port numbers (1-65535), not '{request.Parameters["ports"]}'");
        if (ProbeRequestCheck.Refuse(Kind, request) is { } refused)
            return refused;

        using var deadline = ProbeDeadline.Start(request.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var observation = new ObservationBuilder();
        observation.Fact("method", method.ToString().ToLowerInvariant());
        observation.Fact("transports", string.Join(',', transports.Select(t => t.ToString().ToLowerInvariant())));
        observation.Fact("ports_checked", string.Join(',', ports));
        try
        {
            await RunAsync(target, ports, transports, method, observation, linked.Token, cancellationToken);
            return observation.Build();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            return ObservationBuilder.Invalid(FindingCodes.InternalError, $"the sip-alg probe failed unexpectedly: {e.Message}");
        }
    }

    /// <summary>The transports of <paramref name="text"/> in its order (udp,tcp when null), or null when it is not a list of distinct udp and tcp.</summary>
    internal static IReadOnlyList<SipTransport>? ParseTransports(string? text)
    {
        if (text is null)
            return [SipTransport.Udp, SipTransport.Tcp];
        var transports = new List<SipTransport>();
        foreach (var name in text.Split(',', StringSplitOptions.TrimEntries))
        {
            SipTransport? transport = name.ToLowerInvariant() switch
            {
                "udp" => SipTransport.Udp,
                "tcp" => SipTransport.Tcp,
                _ => null,
            };
            if (transport is not { } known || transports.Contains(known))
                return null;
            transports.Add(known);
        }

        return transports;
    }

    /// <summary>The target's port first, then those of <paramref name="text"/> (5060 when null), without repeats; null when it is not a list of ports.</summary>
    internal static IReadOnlyList<int>? ParsePorts(string? text, int targetPort)
    {
        var ports = new List<int> { targetPort };
        foreach (var entry in (text ?? DefaultPort.ToString(CultureInfo.InvariantCulture)).Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(entry, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                return null;
            if (!ports.Contains(port))
                ports.Add(port);
        }

        return ports;
    }

    /// <summary>Adds one transport's facts and measurements, and its findings but for <c>sip.alg.none</c> (which needs them all).</summary>
    private static void Report(SipAlgTransportRun run, ObservationBuilder observation)
    {
        var t = run.Prefix;
        var upper = $"{run.Name.ToUpperInvariant()} to port {run.Port.ToString(CultureInfo.InvariantCulture)}";
        if (run.Local is { } local)
            observation.Fact($"{t}.local_address", local.ToString());
        if (run.Remote is { } remote)
            observation.Fact($"{t}.remote_address", remote.ToString());
        if (run.Rtt is { } rtt)
            observation.Measure($"{t}.rtt_ms", rtt);
        observation.Measure($"{t}.retransmissions", run.Retransmissions);
        if (run.Response is { } response)
        {
            observation.Fact($"{t}.sip_status", response.StatusCode.ToString(CultureInfo.InvariantCulture));
            if (response.TopVia.Received is { } received)
                observation.Fact($"{t}.received", received);
            if (response.TopVia.Rport is { } rport)
                observation.Fact($"{t}.rport", rport);
        }

        if (run.Failure is { } failure)
            observation.Fail(failure.Finding, failure.Message);
        if (run.Verdict is not { } verdict)
            return;

        observation.Fact($"{t}.rewritten", verdict.Rewritten.Count == 0 ? SipAlgVerdict.None : string.Join(',', verdict.Rewritten));
        observation.Fact($"{t}.source", verdict.Source.ToString());
        if (run.Response?.TopVia.Received is { } seen && IPAddress.TryParse(seen.Trim('[', ']'), out var seenAddress)
            && !Normal(seenAddress).Equals(Normal(verdict.Source.Address)))
        {
            // The mirror wrote the address it saw into received; something on the way back changed it.
            observation.Fact($"{t}.reply_via_rewritten", "true");
        }

        if (run.Local is { } from && !(Normal(from.Address).Equals(Normal(verdict.Source.Address)) && from.Port == verdict.Source.Port))
            observation.Add(FindingCodes.SipNatDetected, ProbeOutcome.Ok, null);

        var fields = verdict.Rewritten;
        var message = $"over {upper} something on the way (a SIP ALG) rewrote {string.Join(", ", fields)} of the request; "
            + "phones behind it advertise addresses that are not theirs: turn the router's SIP ALG off";
        if (fields.Contains(SipAlgField.Via))
            observation.Degrade(FindingCodes.SipAlgRewroteVia, message);
        if (fields.Contains(SipAlgField.Contact))
            observation.Degrade(FindingCodes.SipAlgRewroteContact, message);
        if (fields.Contains(SipAlgField.From))
            observation.Degrade(FindingCodes.SipAlgRewroteFrom, message);
        if (fields.Any(SipAlgField.IsSdp))
            observation.Degrade(FindingCodes.SipAlgRewroteSdp, message);
    }

    private async Task RunAsync(
        SipTarget target, IReadOnlyList<int> ports, IReadOnlyList<SipTransport> transports, SipAlgMethod method, ObservationBuilder observation,
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

        // One offered RTP port per exchange, so that an ALG opening media pinholes for all does not collide with itself.
        var rtpPort = FirstRtpPort + (2 * RandomNumberGenerator.GetInt32((RtpPorts / 2) - (transports.Count * ports.Count)));
        var exchanges = ports.SelectMany((port, p) => transports.Select((transport, i) => (port, transport, n: (p * transports.Count) + i)));
        var runs = await Task.WhenAll(exchanges.Select(async e =>
        {
            var exchange = new SipAlgExchange(target with { Port = e.port }, method, timeProvider);
            var run = e.transport == SipTransport.Udp
                ? await exchange.UdpAsync(new IPEndPoint(resolved.Addresses[0], e.port), rtpPort + (2 * e.n), token, callerToken)
                : await exchange.TcpAsync(resolved.Addresses, rtpPort + (2 * e.n), token, callerToken);
            run.Port = e.port;
            run.Prefix = e.port == target.Port ? run.Name : $"{run.Name}.{e.port.ToString(CultureInfo.InvariantCulture)}";
            return run;
        }));

        foreach (var run in runs)
            Report(run, observation);
        if (runs.Any(r => r.Verdict is not null) && runs.All(r => r.Verdict is null || r.Verdict.Rewritten.Count == 0))
            observation.Add(FindingCodes.SipAlgNone, ProbeOutcome.Ok, null);
    }

    private static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
