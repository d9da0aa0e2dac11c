using System.Net;
using System.Net.Sockets;
using FleetMonitor.Probes.Net;
using FleetMonitor.Protocols.Stun;
using FleetMonitor.Protocols.Tcp;

namespace FleetMonitor.Probes.Nat;

/// <summary>
/// The <c>nat</c> probe: RFC 5780 NAT behaviour discovery against a Reflector's STUN server at <c>host:port</c> (its
/// primary address and port): mapping and filtering behaviour, the classic NAT type, the binding lifetime,
/// hairpinning, and the marks of an ALG and of a second (carrier-grade) NAT.
/// </summary>
/// <remarks>
/// <para>Parameters: <c>username</c> and <c>password</c> (the agent's Reflector credentials; the Reflector answers
/// CHANGE-REQUEST and RESPONSE-PORT only when they authenticate the request, while a server without authentication,
/// such as coturn, needs none); <c>max_lifetime_s</c> (0..3600, default 120: the longest idle time the binding
/// lifetime search tries, 0 to skip it); <c>keepalive_s</c> (1..3600, default 30: the phone's keep-alive, below which
/// a binding lifetime is <c>nat.binding_short</c>); <c>rto_ms</c> (default 500), <c>rc</c> (1..7, default 7) and
/// <c>rm</c> (1..16, default 16), RFC 8489's retransmission.</para>
/// <para>Time: the first Binding request waits out the retransmissions (39.5 s by default) or the deadline; every
/// other silent test is decided once its silence is conclusive (three transmissions and two RTOs after the third,
/// 2.5 s by default), so a lost packet cannot change a verdict and the run ends when the verdict is decided. The
/// lifetime search ends after its window, or sooner when a trial finds the binding gone: <c>max_lifetime_s</c>, or
/// less when the timeout is shorter (the default timeout, 130 s, fits the default 120 s; a shortened window is
/// reported in <c>binding_lifetime_note</c>, and with <c>nat.binding_lifetime_unmeasured</c> when it cannot decide the
/// keep-alive). A behind-NAT run without the lifetime search takes about 4 s. When the deadline comes first (or the
/// machine stalls past it), what was decided is reported and the rest is unknown.</para>
/// <para>Measurements: <c>stun_rtt_ms</c> (median round trip of the transactions answered at once), <c>transactions</c>,
/// <c>stun_packets_sent</c>, <c>stun_packets_received</c>, and from the lifetime search <c>binding_lifetime_s</c> (the
/// lower bound found), <c>binding_lifetime_upper_s</c> (when a trial found the binding gone) and
/// <c>binding_lifetime_search_s</c>. Facts: <c>nat_mapping</c> (<c>none</c> when nothing translates, else as <c>nat_filtering</c>), <c>nat_filtering</c> (<c>endpoint_independent</c>,
/// <c>address_dependent</c>, <c>address_and_port_dependent</c>, <c>unknown</c>), <c>nat_type</c> (<c>open</c>,
/// <c>full_cone</c>, <c>restricted_cone</c>, <c>port_restricted_cone</c>, <c>symmetric</c>, <c>udp_firewall</c> (no NAT
/// but filtered), <c>unknown</c>), <c>nat_present</c>, <c>mapped_address</c>, <c>mapped_address_scope</c>,
/// <c>local_address</c>, <c>other_address</c>, <c>hairpinning</c>, <c>binding_lifetime</c> (<c>expired</c>,
/// <c>outlived_search</c>, <c>not_measured</c>), <c>binding_lifetime_note</c>, <c>alg_mapped_address</c>,
/// <c>path_hops</c> (<c>1=10.0.0.1 2=100.64.0.1 3=*</c>: the routers answering TTL-limited ICMP echo requests to the
/// server, <see cref="NatPathTrace"/>), <c>path_hops_note</c> (why that trace could not run).</para>
/// <para><c>nat.cgnat_suspected</c>: the mapped address is not public, or a hop of the trace is in 100.64.0.0/10
/// (a carrier-grade NAT in front of the home router, which the mapped address, the outer NAT's, cannot show).</para>
/// </remarks>
public sealed class NatProbe(TimeProvider timeProvider) : IProbe
{
    public NatProbe()
        : this(TimeProvider.System)
    {
    }

    public string Kind => "nat";

    /// <inheritdoc />
    /// <remarks>Throws <see cref="OperationCanceledException"/> only when <paramref name="cancellationToken"/> fires.</remarks>
    public async Task<ProbeObservation> RunAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!TcpTarget.TryParse(request.Target, out var target))
            return ObservationBuilder.Invalid(FindingCodes.InvalidTarget, $"'{request.Target}' is not host:port or [IPv6 address]:port");
        if (ProbeRequestCheck.Refuse(Kind, request) is { } refused)
            return refused;
        var (settings, parameterError) = NatProbeSettings.Parse(request.Parameters);
        if (settings is null)
            return ObservationBuilder.Invalid(FindingCodes.InvalidParameter, parameterError ?? "invalid nat parameters");

        var started = timeProvider.GetTimestamp();
        using var deadline = ProbeDeadline.Start(request.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await RunAsync(target, settings, SoftDeadline(started, request.Timeout), linked.Token, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return ObservationBuilder.Invalid(FindingCodes.NatIncomplete, "the deadline came before the NAT tests could report");
        }
        catch (Exception e)
        {
            return ObservationBuilder.Invalid(FindingCodes.InternalError, $"the nat probe failed unexpectedly: {e.Message}");
        }
    }

    /// <summary>
    /// When the tests stop sending and waiting: a tenth of the timeout (at most a second) before it, left for closing
    /// the sockets and reporting.
    /// </summary>
    private long SoftDeadline(long started, TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
            return long.MaxValue;
        var reserve = timeout / 10 < TimeSpan.FromSeconds(1) ? timeout / 10 : TimeSpan.FromSeconds(1);
        return started + (long)((timeout - reserve).TotalSeconds * timeProvider.TimestampFrequency);
    }

    private async Task<ProbeObservation> RunAsync(TcpTarget target, NatProbeSettings settings, long softDeadline, CancellationToken token, CancellationToken caller)
    {
        var observation = new ObservationBuilder();
        var resolved = await TcpConnector.ResolveAsync(target.Host, token);
        if (resolved.Failure is { } dnsFailure)
        {
            observation.Fail(dnsFailure.Finding, dnsFailure.Message);
            return observation.Build();
        }

        var server = new IPEndPoint(resolved.Addresses[0], target.Port);
        observation.Fact("server_address", server.ToString());
        IPAddress local;
        try
        {
            local = LocalAddressFor(server);
        }
        catch (SocketException e)
        {
            observation.Fail(FindingCodes.NatNoResponse, $"no route to {server}: {e.Message} ({e.SocketErrorCode})");
            return observation.Build();
        }

        var key = settings.Password is null ? null : StunShortTermKey.FromPassword(settings.Password);
        var counters = new NatCounters();
        using var pacer = new TransactionPacer(timeProvider, TransactionPacer.RfcInterval);
        var transactions = new StunTransactions(timeProvider, settings.Schedule, pacer, counters, softDeadline);
        NatObservations seen;
        var trace = NatPathTrace.TraceAsync(server.Address, token);
        await using (var run = new NatRun(transactions, server, local, settings, key, timeProvider, counters))
            seen = await run.ObserveAsync(token, caller);
        var (hops, traceFailure) = await trace;
        seen = seen with { PathHops = hops };
        if (hops.Count > 0)
            observation.Fact("path_hops", NatPathTrace.Describe(hops));
        if (traceFailure is not null)
            observation.Fact("path_hops_note", $"the TTL-limited trace could not run: {traceFailure}");

        Report(NatClassifier.Classify(seen), seen, observation);
        observation.Measure("transactions", counters.Transactions);
        observation.Measure("stun_packets_sent", counters.PacketsSent);
        observation.Measure("stun_packets_received", counters.PacketsReceived);
        var rtts = transactions.RttSamples.Order().ToArray();
        if (rtts.Length > 0)
            observation.Measure("stun_rtt_ms", Math.Round(rtts[rtts.Length / 2], 3));
        return observation.Build();
    }

    private static void Report(NatVerdict verdict, NatObservations seen, ObservationBuilder observation)
    {
        observation.Fact("local_address", seen.Local.ToString());
        if (seen.Mapped1 is { } mapped)
        {
            observation.Fact("mapped_address", mapped.ToString());
            observation.Fact("mapped_address_scope", AddressScope.Of(mapped.Address));
            observation.Fact("nat_present", NatClassifier.Same(mapped, seen.Local) ? "false" : "true");
        }

        if (seen.OtherAddress is { } other)
            observation.Fact("other_address", other.ToString());
        if (seen.AlgMappedAddress is { } rewritten)
            observation.Fact("alg_mapped_address", rewritten.ToString());
        observation.Fact("nat_mapping", NatClassifier.Name(verdict.Mapping));
        observation.Fact("nat_filtering", NatClassifier.Name(verdict.Filtering));
        observation.Fact("nat_type", verdict.NatType);
        observation.Fact("hairpinning", verdict.Hairpinning);

        if (seen.Lifetime is { } lifetime)
        {
            observation.Measure("binding_lifetime_s", lifetime.AtLeast.TotalSeconds);
            observation.Measure("binding_lifetime_search_s", Math.Round(lifetime.Window.TotalSeconds, 1));
            if (lifetime.Below is { } below)
                observation.Measure("binding_lifetime_upper_s", below.TotalSeconds);
            observation.Fact("binding_lifetime", lifetime.Below is null ? "outlived_search" : "expired");
            if (!lifetime.Consistent)
                observation.Fact("binding_lifetime_note", "inconsistent: a longer wait found the binding alive after a shorter one found it gone");
            else if (seen.LifetimeShortened is { } window)
                observation.Fact("binding_lifetime_note", Shortened(window, seen.MaxLifetime));
        }
        else
        {
            observation.Fact("binding_lifetime", "not_measured");
            if (seen.LifetimeSkipped is { } why)
                observation.Fact("binding_lifetime_note", why);
            else if (seen.LifetimeShortened is { } window)
                observation.Fact("binding_lifetime_note", Shortened(window, seen.MaxLifetime));
        }

        foreach (var finding in verdict.Findings)
            observation.Add(finding.Code, finding.Severity, finding.Message);
    }

    private static string Shortened(TimeSpan window, TimeSpan asked) => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"searched {window.TotalSeconds:0.#} s of max_lifetime_s {asked.TotalSeconds:0.#}: the timeout left no more");

    /// <summary>The local address the system routes to <paramref name="server"/> from: connecting a UDP socket sends nothing.</summary>
    private static IPAddress LocalAddressFor(IPEndPoint server)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(server);
        return ((IPEndPoint)socket.LocalEndPoint!).Address;
    }
}
