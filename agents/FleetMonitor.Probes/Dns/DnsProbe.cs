using System.Globalization;
using System.Net;
using DnsClient;
using DnsClient.Protocol;
using FleetMonitor.Contracts;

namespace FleetMonitor.Probes.Dns;

/// <summary>
/// The <c>dns</c> probe: asks a resolver what a phone asks about its PBX domain, the domain's A and AAAA records and
/// the SIP SRV records of RFC 3263 (<c>_sip._udp</c>, <c>_sip._tcp</c>, <c>_sips._tcp</c>), and checks that the SRV
/// targets have addresses.
/// </summary>
/// <remarks>
/// Target: the PBX domain. Parameters: <c>resolver</c> (<c>ip</c>, <c>ip:port</c> or <c>[ipv6]:port</c>; default the
/// resolvers of the system's configuration). Queries: <c>a</c>, <c>aaaa</c>, <c>srv_sip_udp</c>, <c>srv_sip_tcp</c>,
/// <c>srv_sips_tcp</c>; for each answered one the measurements <c>&lt;query&gt;_ms</c> and <c>&lt;query&gt;_count</c>, the
/// fact <c>&lt;query&gt;</c> with the records found (<c>192.0.2.1, 192.0.2.2</c>; SRV as
/// <c>priority weight port target</c>) and <c>&lt;query&gt;_rcode</c> when it is not NOERROR. Fact <c>resolver</c>.
/// A domain with no address is <c>dns.not_found</c>: Failed, or only Degraded when SRV records lead elsewhere. A missing
/// SRV record is informational (<c>dns.srv_missing.*</c>, outcome unchanged): many PBXs are configured by host and port.
/// </remarks>
public sealed class DnsProbe(TimeProvider timeProvider) : IProbe
{
    private const int DefaultPort = 53;

    // More SRV targets than this are not checked one by one: a phone would not try them all either.
    private const int MaxTargetsChecked = 8;

    private static readonly TimeSpan LongestAttempt = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ShortestAttempt = TimeSpan.FromMilliseconds(50);

    private static readonly Lookup[] Lookups =
    [
        new("a", "", QueryType.A, MissingFinding: null),
        new("aaaa", "", QueryType.AAAA, MissingFinding: null),
        new("srv_sip_udp", "_sip._udp.", QueryType.SRV, FindingCodes.DnsSrvMissingSipUdp),
        new("srv_sip_tcp", "_sip._tcp.", QueryType.SRV, FindingCodes.DnsSrvMissingSipTcp),
        new("srv_sips_tcp", "_sips._tcp.", QueryType.SRV, FindingCodes.DnsSrvMissingSipsTcp),
    ];

    public DnsProbe()
        : this(TimeProvider.System)
    {
    }

    public string Kind => "dns";

    /// <inheritdoc />
    /// <remarks>Throws <see cref="OperationCanceledException"/> only when <paramref name="cancellationToken"/> fires.</remarks>
    public async Task<ProbeObservation> RunAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var domain = request.Target.EndsWith('.') ? request.Target[..^1] : request.Target;
        if (Uri.CheckHostName(domain) != UriHostNameType.Dns || !domain.Contains('.', StringComparison.Ordinal))
            return ObservationBuilder.Invalid(FindingCodes.InvalidTarget, $"'{request.Target}' is not a domain name");
        if (ProbeRequestCheck.Refuse(Kind, request) is { } refused)
            return refused;

        NameServer[] resolvers;
        if (request.Parameters.TryGetValue("resolver", out var resolverText))
        {
            if (!TryParseResolver(resolverText, out var resolver))
                return ObservationBuilder.Invalid(FindingCodes.InvalidParameter, $"resolver must be ip, ip:port or [ipv6]:port, not '{resolverText}'");
            resolvers = [new NameServer(resolver)];
        }
        else
        {
            resolvers = SystemResolvers();
        }

        var observation = new ObservationBuilder();
        observation.Fact("resolver", resolvers.Length == 0 ? "none" : string.Join(", ", resolvers.Select(Display)));
        if (resolvers.Length == 0)
        {
            observation.Fail(FindingCodes.DnsFailed, "this machine has no resolver configured");
            return observation.Build();
        }

        var client = new LookupClient(new LookupClientOptions(resolvers)
        {
            UseCache = false,
            Retries = 2,
            Timeout = AttemptTimeout(request.Timeout),
            ThrowDnsErrors = false,

            // The first resolver's answer is what the phone gets; a failure is reported, not hidden by the next resolver.
            ContinueOnDnsError = false,
            ContinueOnEmptyResponse = false,
            UseTcpFallback = true,
        });

        using var deadline = ProbeDeadline.Start(request.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await RunAsync(client, domain, observation, linked.Token, cancellationToken);
            return observation.Build();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            return ObservationBuilder.Invalid(FindingCodes.InternalError, $"the dns probe failed unexpectedly: {e.Message}");
        }
    }

    private async Task RunAsync(LookupClient client, string domain, ObservationBuilder observation, CancellationToken token, CancellationToken callerToken)
    {
        var results = await Task.WhenAll(Lookups.Select(lookup => QueryAsync(client, lookup, lookup.Prefix + domain, token)));
        callerToken.ThrowIfCancellationRequested();

        foreach (var result in results)
            Report(result, observation);
        ReportFailures(results, observation);

        var byName = results.ToDictionary(r => r.Lookup.Name, StringComparer.Ordinal);
        var addresses = byName["a"].Records.Count + byName["aaaa"].Records.Count;
        var services = results.Where(r => r.Lookup.Type == QueryType.SRV).ToArray();
        var usableSrv = services.SelectMany(r => r.Records.OfType<SrvRecord>()).Where(IsUsable).ToArray();

        if (byName["a"].Answered && byName["aaaa"].Answered && addresses == 0)
        {
            if (usableSrv.Length > 0)
            {
                observation.Degrade(FindingCodes.DnsNotFound,
                    $"{domain} has no A or AAAA record; only phones that follow its SIP SRV records find the PBX");
            }
            else if (services.All(r => r.Answered))
            {
                var nxdomain = byName["a"].Code == DnsHeaderResponseCode.NotExistentDomain ? " (NXDOMAIN)" : "";
                observation.Fail(FindingCodes.DnsNotFound, $"{domain} has no A, AAAA or SIP SRV record{nxdomain}");
                return;
            }
        }

        foreach (var service in services.Where(s => s.Answered && !s.Records.OfType<SrvRecord>().Any(IsUsable)))
            observation.Add(service.Lookup.MissingFinding!, ProbeOutcome.Ok, $"{service.QueryName} has no SRV record");

        await CheckTargetsAsync(client, results, observation, token, callerToken);
    }

    private async Task<Result> QueryAsync(LookupClient client, Lookup lookup, string queryName, CancellationToken token)
    {
        var started = timeProvider.GetTimestamp();
        try
        {
            var response = await client.QueryAsync(queryName, lookup.Type, QueryClass.IN, token);
            var elapsed = timeProvider.GetElapsedTime(started);
            var records = response.Header.ResponseCode == DnsHeaderResponseCode.NoError
                ? response.Answers.Where(r => Matches(r, lookup.Type)).ToArray()
                : [];
            return new Result(lookup, queryName, response.Header.ResponseCode, elapsed, records, response.Additionals, Error: null, TimedOut: false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return Result.Timeout(lookup, queryName);
        }
        catch (DnsResponseException e) when (e.Code == DnsResponseCode.ConnectionTimeout && e.InnerException is not System.Net.Sockets.SocketException)
        {
            return Result.Timeout(lookup, queryName);
        }
        catch (DnsResponseException e)
        {
            return new Result(lookup, queryName, Code: null, Elapsed: null, [], [], Innermost(e).Message, TimedOut: false);
        }
    }

    private static void Report(Result result, ObservationBuilder observation)
    {
        var name = result.Lookup.Name;
        if (result.Elapsed is { } elapsed)
            observation.Measure($"{name}_ms", elapsed);
        if (result.Code is { } code && code != DnsHeaderResponseCode.NoError)
            observation.Fact($"{name}_rcode", RcodeName(code));
        if (!result.Answered)
            return;

        observation.Measure($"{name}_count", result.Records.Count);
        if (result.Records.Count > 0)
            observation.Fact(name, string.Join(", ", Order(result.Records).Select(Compact)));
    }

    private static void ReportFailures(Result[] results, ObservationBuilder observation)
    {
        var timedOut = results.Where(r => r.TimedOut).Select(r => Describe(r)).ToArray();
        if (timedOut.Length > 0)
            observation.Fail(FindingCodes.DnsTimeout, $"the resolver did not answer {string.Join(", ", timedOut)} in time");

        var servfail = results.Where(r => r.Code == DnsHeaderResponseCode.ServerFailure).Select(r => Describe(r)).ToArray();
        if (servfail.Length > 0)
            observation.Fail(FindingCodes.DnsServfail, $"the resolver answered SERVFAIL to {string.Join(", ", servfail)}");

        foreach (var result in results.Where(r => r.Error is not null))
            observation.Fail(FindingCodes.DnsFailed, $"{Describe(result)} failed: {result.Error}");
        foreach (var result in results.Where(r => r.Code is { } code && !IsDefinite(code) && code != DnsHeaderResponseCode.ServerFailure))
            observation.Fail(FindingCodes.DnsFailed, $"the resolver answered {RcodeName(result.Code!.Value)} to {Describe(result)}");
    }

    /// <summary>Degraded when an SRV target has no address: phones following that record reach nothing.</summary>
    private async Task CheckTargetsAsync(
        LookupClient client, Result[] results, ObservationBuilder observation, CancellationToken token, CancellationToken callerToken)
    {
        var targets = new List<string>();
        foreach (var result in results.Where(r => r.Lookup.Type == QueryType.SRV))
        {
            foreach (var srv in result.Records.OfType<SrvRecord>().Where(IsUsable))
            {
                var target = srv.Target.Value;
                if (targets.Count < MaxTargetsChecked
                    && !targets.Contains(target, StringComparer.OrdinalIgnoreCase)
                    && !result.Additionals.Any(r => r is ARecord or AaaaRecord && string.Equals(r.DomainName.Value, target, StringComparison.OrdinalIgnoreCase)))
                {
                    targets.Add(target);
                }
            }
        }

        var checks = targets.Select(async target =>
        {
            var a = await QueryAsync(client, Lookups[0], target, token);
            var aaaa = await QueryAsync(client, Lookups[1], target, token);
            return (Target: target, Missing: a.Answered && aaaa.Answered && a.Records.Count + aaaa.Records.Count == 0);
        });
        foreach (var (target, missing) in await Task.WhenAll(checks))
        {
            if (missing)
                observation.Degrade(FindingCodes.DnsSrvTargetNotFound, $"the SRV target {target.TrimEnd('.')} has no A or AAAA record");
        }

        callerToken.ThrowIfCancellationRequested();
    }

    private static bool TryParseResolver(string text, out IPEndPoint endpoint)
    {
        if (!IPEndPoint.TryParse(text.Trim(), out var parsed))
        {
            endpoint = null!;
            return false;
        }

        endpoint = parsed.Port == 0 ? new IPEndPoint(parsed.Address, DefaultPort) : parsed;
        return true;
    }

    // The resolvers of the system's configuration, never the library's public fallback: the probe reports this machine's DNS.
    private static NameServer[] SystemResolvers()
    {
        try
        {
            return [.. NameServer.ResolveNameServers(skipIPv6SiteLocal: true, fallbackToGooglePublicDns: false)];
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or System.Net.NetworkInformation.NetworkInformationException)
        {
            return [];
        }
    }

    private static TimeSpan AttemptTimeout(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
            return LongestAttempt;

        // Three attempts (Retries = 2) fit in the deadline, so one lost datagram is retried rather than reported.
        var attempt = timeout / 3;
        return attempt < ShortestAttempt ? ShortestAttempt : attempt > LongestAttempt ? LongestAttempt : attempt;
    }

    private static bool Matches(DnsResourceRecord record, QueryType type) => type switch
    {
        QueryType.A => record is ARecord,
        QueryType.AAAA => record is AaaaRecord,
        QueryType.SRV => record is SrvRecord,
        _ => false,
    };

    // RFC 2782: a target of "." means the service is decidedly not available there.
    private static bool IsUsable(SrvRecord record) => record.Target.Value != ".";

    private static IEnumerable<DnsResourceRecord> Order(IReadOnlyList<DnsResourceRecord> records) =>
        records.OrderBy(r => r is SrvRecord srv ? srv.Priority : 0).ThenByDescending(r => r is SrvRecord srv ? srv.Weight : 0);

    private static string Compact(DnsResourceRecord record) => record switch
    {
        ARecord a => a.Address.ToString(),
        AaaaRecord aaaa => aaaa.Address.ToString(),
        SrvRecord srv => string.Create(CultureInfo.InvariantCulture, $"{srv.Priority} {srv.Weight} {srv.Port} {srv.Target.Value.TrimEnd('.')}"),
        _ => record.ToString(),
    };

    private static bool IsDefinite(DnsHeaderResponseCode code) =>
        code is DnsHeaderResponseCode.NoError or DnsHeaderResponseCode.NotExistentDomain;

    private static string RcodeName(DnsHeaderResponseCode code) => code switch
    {
        DnsHeaderResponseCode.NoError => "NOERROR",
        DnsHeaderResponseCode.FormatError => "FORMERR",
        DnsHeaderResponseCode.ServerFailure => "SERVFAIL",
        DnsHeaderResponseCode.NotExistentDomain => "NXDOMAIN",
        DnsHeaderResponseCode.NotImplemented => "NOTIMP",
        DnsHeaderResponseCode.Refused => "REFUSED",
        _ => code.ToString(),
    };

    private static string Describe(Result result) =>
        $"{(result.Lookup.Type == QueryType.SRV ? "SRV" : result.Lookup.Type.ToString())} {result.QueryName}";

    private static string Display(NameServer server) =>
        IPAddress.TryParse(server.Address, out var address)
            ? new IPEndPoint(address, server.Port).ToString()
            : server.ToString();

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
            e = e.InnerException;
        return e;
    }

    /// <summary>One of the queries the probe makes, named as its measurements and facts are.</summary>
    private sealed record Lookup(string Name, string Prefix, QueryType Type, string? MissingFinding);

    /// <summary>What one query got: an answer with its code and records, a timeout, or an error.</summary>
    private sealed record Result(
        Lookup Lookup, string QueryName, DnsHeaderResponseCode? Code, TimeSpan? Elapsed,
        IReadOnlyList<DnsResourceRecord> Records, IReadOnlyList<DnsResourceRecord> Additionals, string? Error, bool TimedOut)
    {
        /// <summary>The resolver said yes or no about the name: records, none, or NXDOMAIN.</summary>
        public bool Answered => Code is { } code && IsDefinite(code);

        public static Result Timeout(Lookup lookup, string queryName) =>
            new(lookup, queryName, Code: null, Elapsed: null, [], [], Error: null, TimedOut: true);
    }
}
