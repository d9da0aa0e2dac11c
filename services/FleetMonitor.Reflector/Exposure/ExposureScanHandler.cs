using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using FleetMonitor.Protocols.Exposure;
using FleetMonitor.Reflector.Auth;
using FleetMonitor.Reflector.Echo;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Reflector.Exposure;

/// <summary>
/// <c>POST /api/exposure/scan</c> (<see cref="ExposureScanProtocol"/>): checks the request, authenticates the agent,
/// applies the per-agent and per-address limits, and scans the request's own source address, never another.
/// </summary>
internal sealed partial class ExposureScanHandler
{
    private static readonly HashSet<string> Members = new(
        ["username", "timestamp", "nonce", "rtpRange", "rtpSample", "ports", "mac"], StringComparer.OrdinalIgnoreCase);

    private readonly ExposureOptions _options;
    private readonly IReadOnlyList<ExposurePort> _ports;
    private readonly AgentCredentials _credentials;
    private readonly ConnectBackScanner _scanner;
    private readonly ReflectorMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ExposureScanHandler> _logger;
    private readonly ScanAuthenticator _authenticator;
    private readonly AgentScanLimiter _agents;
    private readonly SourceRateLimiter _addresses;
    private readonly ConcurrentDictionary<IPAddress, byte> _running = new();
    private int _scans;

    public ExposureScanHandler(
        IOptions<ExposureOptions> options, AgentCredentials credentials, ConnectBackScanner scanner, ReflectorMetrics metrics,
        TimeProvider timeProvider, ILogger<ExposureScanHandler> logger)
    {
        _options = options.Value;
        _ports = _options.ParsedPorts();
        _credentials = credentials;
        _scanner = scanner;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _logger = logger;
        _authenticator = new ScanAuthenticator(credentials, timeProvider, TimeSpan.FromSeconds(_options.MaxClockSkewSeconds), _options.MaxTrackedNonces);
        _agents = new AgentScanLimiter(timeProvider, _options.ScansPerHourPerAgent / 3600, _options.BurstPerAgent);
        _addresses = new SourceRateLimiter(timeProvider, _options.ScansPerHourPerAddress / 3600, _options.BurstPerAddress, _options.MaxTrackedAddresses);
    }

    /// <summary>The ports every scan covers before the RTP sample.</summary>
    public IReadOnlyList<ExposurePort> Ports => _ports;

    public async Task<IResult> HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Connection.RemoteIpAddress is not { } remote)
            return Refuse(ExposureRequestResult.Invalid, StatusCodes.Status400BadRequest, "no source address", "the connection has no source address to scan");
        var address = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        if (context.Request.QueryString.HasValue)
        {
            return Refuse(ExposureRequestResult.NamesTarget, StatusCodes.Status400BadRequest, "query parameters",
                "the scan takes no query parameters: it scans the address the request comes from, never one it names");
        }

        var body = await ReadBodyAsync(context.Request, cancellationToken);
        if (body is null)
            return Refuse(ExposureRequestResult.TooLarge, StatusCodes.Status413PayloadTooLarge, "request too large", $"the body may have at most {ExposureScanProtocol.MaxRequestBytes} bytes");
        if (ForeignMember(body) is { } foreign)
        {
            return Refuse(ExposureRequestResult.NamesTarget, StatusCodes.Status400BadRequest, "unknown member",
                $"'{Evidence.Printable(foreign)}' is not part of a scan request: the Reflector scans the address the request comes from, never one it names");
        }

        ExposureScanRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<ExposureScanRequest>(body, ExposureScanProtocol.JsonOptions);
        }
        catch (JsonException e)
        {
            return Refuse(ExposureRequestResult.Invalid, StatusCodes.Status400BadRequest, "malformed request", Evidence.Printable(e.Message) ?? "not JSON");
        }

        if (request is null)
            return Refuse(ExposureRequestResult.Invalid, StatusCodes.Status400BadRequest, "malformed request", "the body is null");
        if (request.Ports is not null && !_options.AllowRequestedPorts)
        {
            return Refuse(ExposureRequestResult.Invalid, StatusCodes.Status400BadRequest, "ports not allowed",
                "this Reflector scans only its own list: ports may not be named in the request");
        }
        if (ScanAuthenticator.Validate(request) is { } invalid)
            return Refuse(ExposureRequestResult.Invalid, StatusCodes.Status400BadRequest, "malformed request", invalid);

        switch (_authenticator.Authenticate(request))
        {
            case AuthenticationResult.Stale:
                return Refuse(ExposureRequestResult.Stale, StatusCodes.Status401Unauthorized, "stale request",
                    $"the timestamp is more than {_options.MaxClockSkewSeconds} s from the Reflector's clock");
            case AuthenticationResult.Unauthenticated:
                return Refuse(ExposureRequestResult.Unauthenticated, StatusCodes.Status401Unauthorized, "not authenticated", "unknown agent or wrong MAC");
            case AuthenticationResult.Replayed:
                return Refuse(ExposureRequestResult.Replayed, StatusCodes.Status401Unauthorized, "replayed request", "this nonce was used before");
            case AuthenticationResult.TooManyNonces:
                return Refuse(ExposureRequestResult.Busy, StatusCodes.Status503ServiceUnavailable, "busy", "too many requests in flight; try later");
        }

        if (!_agents.TryAcquire(request.Username, out var agentWait))
            return Limited(context, agentWait, $"agent {request.Username} has used its {_options.BurstPerAgent} scans; about {_options.ScansPerHourPerAgent} per hour");
        if (_addresses.TryAcquire(address) != RateDecision.Allowed)
            return Limited(context, TimeSpan.FromHours(1 / _options.ScansPerHourPerAddress), $"this address has used its {_options.BurstPerAddress} scans; about {_options.ScansPerHourPerAddress} per hour");

        var key = SourceRateLimiter.KeyOf(address);
        if (!_running.TryAdd(key, 0))
            return Limited(context, TimeSpan.FromSeconds(_options.ScanTimeLimitSeconds), "a scan of this address is running");
        try
        {
            if (Interlocked.Increment(ref _scans) > _options.MaxConcurrentScans)
                return Refuse(ExposureRequestResult.Busy, StatusCodes.Status503ServiceUnavailable, "busy", "the Reflector runs as many scans as it may; try later");
            _metrics.ExposureScansRunning(_scans);
            return await ScanAsync(context, address, request, cancellationToken);
        }
        finally
        {
            _metrics.ExposureScansRunning(Interlocked.Decrement(ref _scans));
            _running.TryRemove(key, out _);
        }
    }

    private async Task<IResult> ScanAsync(HttpContext context, IPAddress address, ExposureScanRequest request, CancellationToken cancellationToken)
    {
        List<ExposurePort> ports = [.. _ports];
        if (request.Ports is { } requested)
        {
            var parsed = ExposureScanProtocol.ParsePorts(requested);
            ports = [.. (parsed.Default ? _ports : []).Concat(parsed.Ports).Distinct()];
        }

        if (request.RtpRange is { } range && RtpSample.TryParseRange(range, out var first, out var last))
        {
            // The protocol allows up to ExposureScanProtocol.MaxRtpSample; this Reflector may sample fewer.
            foreach (var port in RtpSample.Ports(first, last, Math.Min(request.RtpSample ?? 0, _options.MaxRtpSample)))
            {
                var rtp = new ExposurePort(port, ExposurePort.Udp);
                if (!ports.Contains(rtp))
                    ports.Add(rtp);
            }
        }

        var started = _timeProvider.GetTimestamp();
        IReadOnlyList<ExposurePortResult> results;
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(_options.ScanTimeLimitSeconds), _timeProvider))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token))
        {
            try
            {
                results = await _scanner.ScanAsync(address, ports, linked.Token);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The agent went away: nobody to answer.
                return Results.Empty;
            }
        }

        var elapsed = _timeProvider.GetElapsedTime(started);
        _metrics.ExposureRequest(ExposureRequestResult.Scanned);
        _metrics.ExposureScanned(elapsed);
        LogScanned(address, request.Username, results.Count(r => r.State == ExposurePortState.Open), results.Count, elapsed.TotalMilliseconds);

        var result = new ExposureScanResult { Address = address.ToString(), Ports = results, DurationMs = Math.Round(elapsed.TotalMilliseconds, 1) };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(result, ExposureScanProtocol.JsonOptions);
        _credentials.TryGetPassword(request.Username, out var password);
        context.Response.Headers[ExposureScanProtocol.MacHeader] = ExposureScanProtocol.ResultMac(password!, request.Nonce, bytes);
        return Results.Bytes(bytes, "application/json");
    }

    private IResult Limited(HttpContext context, TimeSpan wait, string detail)
    {
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Refuse(ExposureRequestResult.RateLimited, StatusCodes.Status429TooManyRequests, "rate limited", detail);
    }

    private IResult Refuse(string result, int status, string title, string detail)
    {
        _metrics.ExposureRequest(result);
        LogRefused(result, status);
        return Results.Problem(detail: detail, statusCode: status, title: title);
    }

    /// <summary>The body, or null when it is larger than the protocol allows.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > ExposureScanProtocol.MaxRequestBytes)
            return null;
        var buffer = new byte[ExposureScanProtocol.MaxRequestBytes + 1];
        var count = 0;
        while (count < buffer.Length)
        {
            var read = await request.Body.ReadAsync(buffer.AsMemory(count), cancellationToken);
            if (read == 0)
                return buffer[..count];
            count += read;
        }

        return null;
    }

    /// <summary>The first top-level member the protocol does not have, or null (also for what is not a JSON object: the deserializer refuses that).</summary>
    private static string? ForeignMember(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return null;
            return document.RootElement.EnumerateObject().Select(p => p.Name).FirstOrDefault(name => !Members.Contains(name));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Exposure scan of {Address} for {Username}: {Open} of {Ports} ports open, {ElapsedMs} ms")]
    private partial void LogScanned(IPAddress address, string username, int open, int ports, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Exposure scan request refused: {Result} ({Status})")]
    private partial void LogRefused(string result, int status);
}
