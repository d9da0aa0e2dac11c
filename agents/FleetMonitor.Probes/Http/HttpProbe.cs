using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using FleetMonitor.Probes.Tls;

namespace FleetMonitor.Probes.Http;

/// <summary>
/// The <c>http</c> probe: one HTTP/1.1 request to an http:// or https:// URL, as a phone fetching its provisioning
/// would make it, through the system proxy, following up to <see cref="MaxRedirects"/> redirects itself.
/// </summary>
/// <remarks>
/// Parameters: <c>method</c> (default GET), <c>expect_status</c> (default 2xx; codes, classes such as <c>3xx</c> or
/// ranges such as <c>200-399</c>, comma-separated), and the tcp probe's <c>min_days</c> and <c>ca_file</c>.
/// Measurements: <c>ttfb_ms</c> and <c>total_ms</c> (from the start, across redirects, to the final response's
/// headers and to the end of its body), <c>body_bytes</c>, <c>redirect_count</c>, and for the first connection
/// <c>dns_ms</c>, <c>connect_ms</c> (to the proxy when there is one); <c>tls_handshake_ms</c> and
/// <c>tls_days_to_expiry</c> for the final origin. Facts: <c>http_status</c>, <c>http_version</c> (the version the
/// server answered with), <c>final_url</c>, <c>proxy</c> (the proxy used for the final URL, or <c>none</c>),
/// <c>remote_address</c>, and the tcp probe's TLS facts.
/// </remarks>
public sealed class HttpProbe(TimeProvider timeProvider, IWebProxy? proxy) : IProbe
{
    /// <summary>The most redirects followed; one more is <c>http.too_many_redirects</c>.</summary>
    public const int MaxRedirects = 5;

    private static readonly ProductInfoHeaderValue UserAgent = new("FleetMonitor-Probe", "1.0");

    /// <summary>A probe on the system clock using the system proxy (<see cref="HttpClient.DefaultProxy"/>).</summary>
    public HttpProbe()
        : this(TimeProvider.System)
    {
    }

    /// <summary>A probe on <paramref name="timeProvider"/> using the system proxy (<see cref="HttpClient.DefaultProxy"/>).</summary>
    public HttpProbe(TimeProvider timeProvider)
        : this(timeProvider, HttpClient.DefaultProxy)
    {
    }

    public string Kind => "http";

    /// <inheritdoc />
    /// <remarks>Throws <see cref="OperationCanceledException"/> only when <paramref name="cancellationToken"/> fires.</remarks>
    public async Task<ProbeObservation> RunAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Uri.TryCreate(request.Target, UriKind.Absolute, out var target)
            || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(target.Host))
        {
            return ObservationBuilder.Invalid(FindingCodes.InvalidTarget, $"'{request.Target}' is not an http:// or https:// URL");
        }

        if (ProbeRequestCheck.Refuse(Kind, request) is { } refused)
            return refused;
        if (ParseMethod(request.Parameters) is not { } method)
            return ObservationBuilder.Invalid(FindingCodes.InvalidParameter, $"method '{request.Parameters["method"]}' is not an HTTP method this probe sends");

        var expectation = StatusExpectation.Default;
        if (request.Parameters.TryGetValue("expect_status", out var expectText) && !StatusExpectation.TryParse(expectText, out expectation))
            return ObservationBuilder.Invalid(FindingCodes.InvalidParameter, $"expect_status '{expectText}' is not a list of codes (200), classes (2xx) or ranges (200-399)");

        var (inspector, tlsError) = await TlsInspector.CreateAsync(request.Parameters, timeProvider, cancellationToken);
        if (inspector is null)
            return ObservationBuilder.Invalid(FindingCodes.InvalidParameter, tlsError ?? "invalid TLS parameters");

        using (inspector)
        {
            var run = new HttpProbeRun(timeProvider, inspector);
            using var client = new HttpClient(CreateHandler(run, inspector, request.Timeout)) { Timeout = Timeout.InfiniteTimeSpan };
            using var deadline = ProbeDeadline.Start(request.Timeout, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            try
            {
                return await RunAsync(client, run, inspector, target, method, expectation, linked.Token, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                return ObservationBuilder.Invalid(FindingCodes.InternalError, $"the http probe failed unexpectedly: {e.Message}");
            }
        }
    }

    private async Task<ProbeObservation> RunAsync(
        HttpClient client, HttpProbeRun run, TlsInspector inspector, Uri target, HttpMethod method,
        StatusExpectation expectation, CancellationToken token, CancellationToken callerToken)
    {
        var observation = new ObservationBuilder();
        var started = timeProvider.GetTimestamp();
        var uri = target;
        var redirects = 0;
        var tooManyRedirects = false;
        HttpResponseMessage? response = null;
        try
        {
            while (true)
            {
                using var message = new HttpRequestMessage(method, uri)
                {
                    Version = HttpVersion.Version11,
                    VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                };
                message.Headers.UserAgent.Add(UserAgent);

                run.Phase = HttpPhase.Sending;
                var verdictsBefore = inspector.Verdicts.Count;
                try
                {
                    response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, token);
                }
                catch (HttpRequestException e)
                {
                    callerToken.ThrowIfCancellationRequested();
                    Classify(e, run, inspector, verdictsBefore, observation);
                    return Finish(observation, run, uri, redirects, started, measureTotal: false);
                }
                catch (OperationCanceledException) when (!callerToken.IsCancellationRequested)
                {
                    TimedOut(run.Phase, observation);
                    return Finish(observation, run, uri, redirects, started, measureTotal: false);
                }

                if (RedirectTarget(response, uri) is not { } next)
                    break;
                if (redirects == MaxRedirects)
                {
                    tooManyRedirects = true;
                    break;
                }

                redirects++;
                method = RedirectMethod(method, response.StatusCode);
                uri = next;
                response.Dispose();
                response = null;
            }

            observation.Measure("ttfb_ms", timeProvider.GetElapsedTime(started));
            var status = (int)response.StatusCode;
            observation.Fact("http_status", status.ToString(CultureInfo.InvariantCulture));
            observation.Fact("http_version", $"{response.Version.Major}.{response.Version.Minor}");
            if (run.SessionFor(uri) is var (session, handshake))
            {
                observation.Measure("tls_handshake_ms", handshake);
                TlsInspector.Report(session, observation);
            }

            // Certificates of earlier hops count too; only Degraded ones can be left, the others refused the request.
            foreach (var verdict in inspector.Verdicts)
                TlsInspector.AddFindings(verdict, observation);

            if (tooManyRedirects)
            {
                observation.Fail(FindingCodes.HttpTooManyRedirects, $"more than {MaxRedirects} redirects; the last went to {Display(uri)}");
            }
            else if (!expectation.Matches(status))
            {
                var message = $"{Display(uri)} answered {status} {response.ReasonPhrase}";
                observation.Fail(status switch
                {
                    >= 400 and <= 499 => FindingCodes.HttpStatus4xx,
                    >= 500 and <= 599 => FindingCodes.HttpStatus5xx,
                    _ => FindingCodes.HttpStatusUnexpected,
                }, message);
                observation.Fail(FindingCodes.HttpStatus(status), message);
            }

            run.Phase = HttpPhase.ReadingBody;
            var (bodyBytes, bodyComplete) = await ReadBodyAsync(response, observation, token, callerToken);
            observation.Measure("body_bytes", bodyBytes);
            return Finish(observation, run, uri, redirects, started, measureTotal: bodyComplete);
        }
        finally
        {
            response?.Dispose();
        }
    }

    private ProbeObservation Finish(ObservationBuilder observation, HttpProbeRun run, Uri uri, int redirects, long started, bool measureTotal)
    {
        if (measureTotal)
            observation.Measure("total_ms", timeProvider.GetElapsedTime(started));
        observation.Measure("redirect_count", redirects);
        observation.Fact("final_url", Display(uri));
        observation.Fact("proxy", DescribeProxy(uri));
        run.ReportConnection(observation);
        return observation.Build();
    }

    private static async Task<(long Bytes, bool Complete)> ReadBodyAsync(
        HttpResponseMessage response, ObservationBuilder observation, CancellationToken token, CancellationToken callerToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        long total = 0;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(token);
            int read;
            while ((read = await body.ReadAsync(buffer, token)) > 0)
                total += read;
            return (total, true);
        }
        catch (OperationCanceledException) when (!callerToken.IsCancellationRequested)
        {
            TimedOut(HttpPhase.ReadingBody, observation);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            observation.Fail(FindingCodes.HttpProtocolError, $"the response body ended early after {total} bytes: {e.Message}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return (total, false);
    }

    private static void Classify(HttpRequestException e, HttpProbeRun run, TlsInspector inspector, int verdictsBefore, ObservationBuilder observation)
    {
        if (e.HttpRequestError == HttpRequestError.ConnectionError && run.ConnectFailure is { } failure)
        {
            observation.Fail(failure.Finding, failure.Message);
            return;
        }

        // Refused by the inspector: the verdict says why, better than the handshake's exception does.
        if (e.HttpRequestError == HttpRequestError.SecureConnectionError
            && inspector.Verdicts.Count > verdictsBefore
            && inspector.LastVerdict is { Rejected: true } verdict)
        {
            TlsInspector.Report(verdict, observation);
            return;
        }

        var reason = Innermost(e).Message;
        switch (e.HttpRequestError)
        {
            case HttpRequestError.NameResolutionError:
                observation.Fail(FindingCodes.DnsNotFound, $"name resolution failed: {reason}");
                break;
            case HttpRequestError.ConnectionError:
                observation.Fail(FindingCodes.TcpConnectFailed, $"the connection failed: {reason}");
                break;
            case HttpRequestError.SecureConnectionError:
                observation.Fail(FindingCodes.TlsHandshakeFailed, TlsClientHandshake.Describe(e));
                break;
            case HttpRequestError.ProxyTunnelError or HttpRequestError.UserAuthenticationError:
                observation.Fail(FindingCodes.HttpProxyError, $"the proxy did not open a tunnel: {reason}");
                break;
            default:
                observation.Fail(FindingCodes.HttpProtocolError, $"the request failed ({e.HttpRequestError}): {reason}");
                break;
        }
    }

    private static void TimedOut(HttpPhase phase, ObservationBuilder observation)
    {
        switch (phase)
        {
            case HttpPhase.Resolving:
                observation.Fail(FindingCodes.DnsTimeout, "name resolution did not finish before the deadline");
                break;
            case HttpPhase.Connecting:
                observation.Fail(FindingCodes.TcpTimeout, "the connection was not established before the deadline");
                break;
            case HttpPhase.TlsHandshake:
                observation.Fail(FindingCodes.TlsHandshakeFailed, "the TLS handshake did not finish before the deadline");
                observation.Fail(FindingCodes.TlsTimeout, "the TLS handshake did not finish before the deadline");
                break;
            case HttpPhase.ReadingBody:
                observation.Fail(FindingCodes.HttpTimeout, "the response body did not finish before the deadline");
                break;
            default:
                observation.Fail(FindingCodes.HttpTimeout, "no response headers before the deadline");
                break;
        }
    }

    private SocketsHttpHandler CreateHandler(HttpProbeRun run, TlsInspector inspector, TimeSpan timeout) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        Proxy = proxy,
        UseProxy = proxy is not null,
        ConnectCallback = run.ConnectAsync,
        PlaintextStreamFilter = run.FilterAsync,

        // Connection attempts outlive the request that started them; this bounds the one a deadline left behind.
        ConnectTimeout = timeout == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : timeout + TimeSpan.FromSeconds(1),
        SslOptions = new()
        {
            RemoteCertificateValidationCallback = inspector.ValidationCallback,
            CertificateChainPolicy = TlsInspector.HandshakeChainPolicy(),
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        },
    };

    private static HttpMethod? ParseMethod(IReadOnlyDictionary<string, string> parameters)
    {
        if (!parameters.TryGetValue("method", out var text))
            return HttpMethod.Get;
        try
        {
            var method = new HttpMethod(text.Trim().ToUpperInvariant());
            return method == HttpMethod.Connect ? null : method;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return null;
        }
    }

    private static Uri? RedirectTarget(HttpResponseMessage response, Uri current)
    {
        if (response.StatusCode is not (HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
                or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect)
            || response.Headers.Location is not { } location)
        {
            return null;
        }

        // A redirect to a scheme this probe does not speak ends the chain: that 3xx is the final answer.
        return Uri.TryCreate(current, location, out var next) && (next.Scheme == Uri.UriSchemeHttp || next.Scheme == Uri.UriSchemeHttps)
            ? next
            : null;
    }

    // What browsers and phones do: 303 always becomes GET, 301 and 302 turn a POST into GET, 307 and 308 keep the method.
    private static HttpMethod RedirectMethod(HttpMethod method, HttpStatusCode status) => status switch
    {
        HttpStatusCode.SeeOther when method != HttpMethod.Head => HttpMethod.Get,
        HttpStatusCode.MovedPermanently or HttpStatusCode.Found when method == HttpMethod.Post => HttpMethod.Get,
        _ => method,
    };

    private string DescribeProxy(Uri uri)
    {
        try
        {
            if (proxy is null || proxy.IsBypassed(uri) || proxy.GetProxy(uri) is not { } used || used == uri)
                return "none";

            // Scheme, host and port only: a proxy URI may carry credentials.
            return used.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);
        }
        catch (Exception e) when (e is InvalidOperationException or UriFormatException or NotSupportedException)
        {
            return "none";
        }
    }

    // Without user info, which may hold credentials, and without the fragment, which is never sent.
    private static string Display(Uri uri) => uri.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
            e = e.InnerException;
        return e;
    }
}
