using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FleetMonitor.Contracts;
using FleetMonitor.Protocols.Exposure;

namespace FleetMonitor.Probes.Exposure;

/// <summary>
/// The <c>exposure</c> probe: asks the Reflector (the target, its HTTP base URL) to scan this site's public address
/// from the internet, and reports every open port, failing when one of them is forbidden.
/// </summary>
/// <remarks>
/// Parameters: <c>username</c> and <c>password</c> (the agent's Reflector credential; required), <c>forbidden</c>
/// (ports that must not be open, comma-separated <c>port</c> or <c>port/udp</c>; default <c>all</c>, every port
/// scanned; <c>none</c> for nothing), <c>ports</c> (the ports to scan, comma-separated <c>port/tcp</c>, <c>port/udp</c>
/// and <c>default</c> for the Reflector's list; default <c>default</c>; at most 32 besides <c>default</c>),
/// <c>rtp_range</c> (the site's RTP ports, <c>first-last</c>) with <c>rtp_sample</c> (how many of them to scan, 1 to 8,
/// default 4; the Reflector may sample fewer). The default timeout (30 s) is above the Reflector's scan time limit
/// (20 s by default). The request goes direct, never through a proxy, which
/// would have its own address scanned. Findings: <c>exposure.open.&lt;port&gt;/&lt;proto&gt;</c> per open port (outcome
/// Failed when forbidden, informational otherwise), or <c>exposure.none</c>. Facts: <c>public_address</c> (the
/// address the Reflector saw and scanned), <c>scanned</c> (every port scanned: <c>exposure.none</c> means none of
/// these is open, nothing more), <c>coverage</c> (<c>default</c>, <c>site</c> or <c>default+site</c>), <c>open</c>, <c>closed</c>, <c>filtered</c>, <c>open_filtered</c> (port
/// lists) and <c>evidence.&lt;port&gt;/&lt;proto&gt;</c> (what an open port's service said). Measurements:
/// <c>ports_scanned</c>, <c>ports_open</c>, <c>scan_ms</c> (the Reflector's), <c>request_ms</c>.
/// </remarks>
public sealed class ExposureProbe(TimeProvider timeProvider) : IProbe
{
    private const int MaxResponseBytes = 1 << 20;
    private const int DefaultRtpSample = 4;

    public ExposureProbe()
        : this(TimeProvider.System)
    {
    }

    public string Kind => "exposure";

    /// <inheritdoc />
    /// <remarks>Throws <see cref="OperationCanceledException"/> only when <paramref name="cancellationToken"/> fires.</remarks>
    public async Task<ProbeObservation> RunAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Uri.TryCreate(request.Target, UriKind.Absolute, out var baseUri)
            || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(baseUri.Host))
        {
            return ObservationBuilder.Invalid(FindingCodes.InvalidTarget, $"'{request.Target}' is not the Reflector's http:// or https:// base URL");
        }

        if (ProbeRequestCheck.Refuse(Kind, request) is { } refused)
            return refused;
        if (!request.Parameters.TryGetValue("username", out var username) || string.IsNullOrWhiteSpace(username)
            || !request.Parameters.TryGetValue("password", out var password) || string.IsNullOrEmpty(password))
        {
            return ObservationBuilder.Invalid(FindingCodes.InvalidParameter, "username and password (the agent's Reflector credential) are required");
        }

        if (!TryParseForbidden(request.Parameters.GetValueOrDefault("forbidden"), out var forbidden))
            return ObservationBuilder.Invalid(FindingCodes.InvalidParameter, $"forbidden must be all, none or a list of port or port/tcp or port/udp, not '{request.Parameters["forbidden"]}'");

        string? rtpRange = null;
        int? rtpSample = null;
        if (request.Parameters.TryGetValue("rtp_range", out var rangeText))
        {
            var dash = rangeText.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !ExposurePort.TryParseNumber(rangeText[..dash].Trim(), out var first)
                || !ExposurePort.TryParseNumber(rangeText[(dash + 1)..].Trim(), out var last) || first > last)
            {
                return ObservationBuilder.Invalid(FindingCodes.InvalidParameter, $"rtp_range must be first-last, such as 10000-20000, not '{rangeText}'");
            }

            rtpRange = $"{first.ToString(CultureInfo.InvariantCulture)}-{last.ToString(CultureInfo.InvariantCulture)}";
            rtpSample = DefaultRtpSample;
            if (request.Parameters.TryGetValue("rtp_sample", out var sampleText))
            {
                if (!int.TryParse(sampleText, NumberStyles.None, CultureInfo.InvariantCulture, out var sample) || sample < 1 || sample > ExposureScanProtocol.MaxRtpSample)
                    return ObservationBuilder.Invalid(FindingCodes.InvalidParameter, $"rtp_sample must be 1 to {ExposureScanProtocol.MaxRtpSample}, not '{sampleText}'");
                rtpSample = sample;
            }
        }

        string? ports = null;
        var coverage = "default";
        if (request.Parameters.TryGetValue("ports", out var portsText))
        {
            var parsed = ExposureScanProtocol.ParsePorts(portsText);
            if (parsed.Error is { } portsError)
                return ObservationBuilder.Invalid(FindingCodes.InvalidParameter, $"ports: {portsError}");
            ports = parsed.Canonical;
            coverage = parsed.Default ? parsed.Ports.Count > 0 ? "default+site" : "default" : "site";
        }

        var scanRequest = new ExposureScanRequest
        {
            Username = username.Trim(),
            Timestamp = timeProvider.GetUtcNow().ToUnixTimeSeconds(),
            Nonce = ExposureScanProtocol.NewNonce(),
            RtpRange = rtpRange,
            RtpSample = rtpSample,
            Ports = ports == ExposureScanProtocol.DefaultPorts ? null : ports,
            Mac = "",
        };
        scanRequest = scanRequest with { Mac = ExposureScanProtocol.RequestMac(password, scanRequest) };

        using var deadline = ProbeDeadline.Start(request.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var observation = new ObservationBuilder();
        observation.Fact("coverage", coverage);
        try
        {
            await RunAsync(new Uri(baseUri, ExposureScanProtocol.Path), scanRequest, password, forbidden, observation, linked.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            observation.Add(FindingCodes.ExposureReflectorFailed, ProbeOutcome.Error, $"the Reflector at {baseUri} did not answer before the deadline ({request.Timeout})");
        }
        catch (HttpRequestException e)
        {
            observation.Add(FindingCodes.ExposureReflectorFailed, ProbeOutcome.Error, $"the Reflector at {baseUri} could not be reached: {e.Message}");
        }
        catch (Exception e)
        {
            return ObservationBuilder.Invalid(FindingCodes.InternalError, $"the exposure probe failed unexpectedly: {e.Message}");
        }

        return observation.Build();
    }

    private async Task RunAsync(
        Uri endpoint, ExposureScanRequest scanRequest, string password, Func<ExposurePort, bool> forbidden, ObservationBuilder observation,
        CancellationToken token)
    {
        // No proxy: the Reflector scans the address the request comes from, which must be this site's, not a proxy's.
        using var handler = new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(scanRequest, ExposureScanJsonContext.Default.ExposureScanRequest));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var message = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content };
        message.Headers.UserAgent.Add(new ProductInfoHeaderValue("FleetMonitor-Probe", "1.0"));

        var started = timeProvider.GetTimestamp();
        using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, token);
        var body = await ReadBodyAsync(response, token);
        observation.Measure("request_ms", timeProvider.GetElapsedTime(started));

        if (response.StatusCode != HttpStatusCode.OK)
        {
            var problem = ProblemDetail(body);
            var status = (int)response.StatusCode;
            var (finding, text) = response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => (FindingCodes.ExposureUnauthorized, "the Reflector did not accept the agent's credential"),
                HttpStatusCode.TooManyRequests => (FindingCodes.ExposureRateLimited,
                    $"the Reflector refused the scan for now (retry after {response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(CultureInfo.InvariantCulture) ?? "?"} s)"),
                HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge => (FindingCodes.ExposureRejected, "the Reflector refused the request as malformed"),
                _ => (FindingCodes.ExposureReflectorFailed, "the Reflector failed"),
            };
            observation.Add(finding, ProbeOutcome.Error, $"{text}: {status} {problem}".TrimEnd(' ', ':'));
            return;
        }

        var mac = response.Headers.TryGetValues(ExposureScanProtocol.MacHeader, out var values) ? values.FirstOrDefault() : null;
        if (body is null || !ExposureScanProtocol.MacEquals(ExposureScanProtocol.ResultMac(password, scanRequest.Nonce, body), mac))
        {
            observation.Add(FindingCodes.ExposureBadSignature, ProbeOutcome.Error, "the scan result's MAC does not verify: it was not sent by the Reflector for this request, or was changed on the way");
            return;
        }

        var result = JsonSerializer.Deserialize(body, ExposureScanJsonContext.Default.ExposureScanResult)
            ?? throw new JsonException("the scan result is null");
        Report(result, forbidden, observation);
    }

    private static void Report(ExposureScanResult result, Func<ExposurePort, bool> forbidden, ObservationBuilder observation)
    {
        observation.Fact("public_address", result.Address);
        observation.Measure("ports_scanned", result.Ports.Count);
        observation.Fact("scanned", string.Join(',', result.Ports.Select(p => p.ToPort().ToString())));
        observation.Measure("scan_ms", result.DurationMs);
        foreach (var (state, fact) in new[]
        {
            (ExposurePortState.Open, "open"), (ExposurePortState.Closed, "closed"),
            (ExposurePortState.Filtered, "filtered"), (ExposurePortState.OpenFiltered, "open_filtered"),
        })
        {
            var ports = result.Ports.Where(p => p.State == state).Select(p => p.ToPort().ToString()).ToArray();
            if (ports.Length > 0)
                observation.Fact(fact, string.Join(',', ports));
        }

        var open = result.Ports.Where(p => p.State == ExposurePortState.Open).ToArray();
        observation.Measure("ports_open", open.Length);
        if (open.Length == 0)
        {
            observation.Add(FindingCodes.ExposureNone, ProbeOutcome.Ok, null);
            return;
        }

        foreach (var port in open)
        {
            var key = port.ToPort();
            if (port.Evidence is { } evidence)
                observation.Fact($"evidence.{key}", evidence);
            if (forbidden(key))
            {
                observation.Fail(FindingCodes.ExposureOpen(key),
                    $"{key} is open on {result.Address}{(port.Evidence is null ? "" : $" ({port.Evidence})")}");
            }
            else
            {
                observation.Add(FindingCodes.ExposureOpen(key), ProbeOutcome.Ok, null);
            }
        }
    }

    /// <summary>Parses <c>forbidden</c>: absent or <c>all</c> forbids every port, <c>none</c> (or empty) none, else a list of <c>port</c> (both protocols) or <c>port/proto</c>.</summary>
    internal static bool TryParseForbidden(string? text, out Func<ExposurePort, bool> forbidden)
    {
        forbidden = _ => true;
        if (text is null || text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
            return true;
        if (text.Trim().Length == 0 || text.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            forbidden = _ => false;
            return true;
        }

        var ports = new HashSet<ExposurePort>();
        var numbers = new HashSet<int>();
        foreach (var entry in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (ExposurePort.TryParse(entry, out var port))
                ports.Add(port);
            else if (ExposurePort.TryParseNumber(entry, out var number))
                numbers.Add(number);
            else
                return false;
        }

        forbidden = port => numbers.Contains(port.Port) || ports.Contains(port);
        return true;
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpResponseMessage response, CancellationToken token)
    {
        if (response.Content.Headers.ContentLength > MaxResponseBytes)
            return null;
        await using var stream = await response.Content.ReadAsStreamAsync(token);
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int read;
        while ((read = await stream.ReadAsync(chunk, token)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string ProblemDetail(byte[]? body)
    {
        if (body is null)
            return "";
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
            {
                var text = detail.GetString() ?? "";
                return text.Length > 200 ? text[..200] : text;
            }
        }
        catch (JsonException)
        {
        }

        return "";
    }
}
