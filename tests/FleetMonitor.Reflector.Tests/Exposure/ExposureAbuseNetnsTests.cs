using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FleetMonitor.Protocols.Exposure;
using FleetMonitor.Reflector.Tests.Support;
using Xunit.Abstractions;
using static FleetMonitor.Reflector.Tests.Exposure.ExposureReflector;

namespace FleetMonitor.Reflector.Tests.Exposure;

/// <summary>
/// Requests an attacker would send to turn the connect-back scanner against someone, from the client namespace to the
/// real Reflector: each is refused, and the Reflector's OUTPUT counters in the internet namespace prove what it sent.
/// The router has no firewall and the scan list is one TCP and one UDP port, so a scan costs exactly one SYN and one
/// datagram (both answered at once, closed), and anything else would show.
/// </summary>
public sealed class ExposureAbuseNetnsTests(ITestOutputHelper output) : IDisposable
{
    private const string Bystander = "203.0.113.77";

    private readonly RouterTopology _net = RouterTopology.Create();

    public void Dispose() => _net.Dispose();

    [Fact]
    public async Task Unauthenticated_forged_stale_replayed_and_address_naming_requests_scan_nothing()
    {
        await using var reflector = await StartAsync(_net, "--Reflector:Exposure:Ports:0=22/tcp", "--Reflector:Exposure:Ports:1=5060/udp");
        _net.CountReflectorOutput();
        using var http = NetnsSockets.HttpClient(_net.Client);
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();

        (string Name, HttpStatusCode Status, Func<Task<HttpResponseMessage>> Send)[] refused =
        [
            ("empty body", HttpStatusCode.BadRequest, () => PostAsync(http, "")),
            ("no MAC", HttpStatusCode.BadRequest, () => PostAsync(http, $$"""{"username":"{{Username}}","timestamp":{{now}},"nonce":"{{ExposureScanProtocol.NewNonce()}}"}""")),
            ("unknown agent", HttpStatusCode.Unauthorized, () => PostAsync(http, Json(Signed("agent-x", Password, now)))),
            ("MAC under the wrong password", HttpStatusCode.Unauthorized, () => PostAsync(http, Json(Signed(Username, "not-the-password-at-all", now)))),
            ("MAC of other fields", HttpStatusCode.Unauthorized, () => PostAsync(http, Json(Signed(Username, Password, now) with { RtpRange = "1-65535", RtpSample = 8 }))),
            ("an hour old", HttpStatusCode.Unauthorized, () => PostAsync(http, Json(Signed(Username, Password, now - 3600)))),
            ("naming a target", HttpStatusCode.BadRequest, () => PostAsync(http, Naming("target", Signed(Username, Password, now)))),
            ("naming an address", HttpStatusCode.BadRequest, () => PostAsync(http, Naming("address", Signed(Username, Password, now)))),
            ("address in the query", HttpStatusCode.BadRequest, () => PostAsync(http, Json(Signed(Username, Password, now)), $"?target={Bystander}")),
        ];
        foreach (var (name, status, send) in refused)
        {
            using var response = await send();
            Assert.True(status == response.StatusCode, $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        Assert.Equal(0, _net.OutputCount("fm-syn-requester"));
        Assert.Equal(0, _net.OutputCount("fm-udp-requester"));

        // One good request scans (one SYN, one datagram); the same bytes again are a replay and scan nothing.
        var good = Json(Signed(Username, Password, now));
        using (var first = await PostAsync(http, good))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using (var replay = await PostAsync(http, good))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
            Assert.Contains("nonce", await replay.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(1, _net.OutputCount("fm-syn-requester"));
        Assert.Equal(1, _net.OutputCount("fm-udp-requester"));
        Assert.Equal(0, _net.OutputCount("fm-elsewhere"));

        var metrics = await MetricsAsync();
        output.WriteLine(string.Join('\n', metrics.Select(m => $"{m.Key} {m.Value}")));
        Assert.Equal(1, metrics.GetValueOrDefault("""fleetmonitor_reflector_exposure_requests_total{result="scanned"}"""));
        Assert.Equal(2, metrics.GetValueOrDefault("""fleetmonitor_reflector_exposure_requests_total{result="invalid"}"""));
        Assert.Equal(3, metrics.GetValueOrDefault("""fleetmonitor_reflector_exposure_requests_total{result="unauthenticated"}"""));
        Assert.Equal(1, metrics.GetValueOrDefault("""fleetmonitor_reflector_exposure_requests_total{result="stale"}"""));
        Assert.Equal(3, metrics.GetValueOrDefault("""fleetmonitor_reflector_exposure_requests_total{result="names_target"}"""));
        Assert.Equal(1, metrics.GetValueOrDefault("""fleetmonitor_reflector_exposure_requests_total{result="replayed"}"""));
    }

    /// <summary>
    /// Per agent a burst of 2, per address a burst of 3, hardly any refill: agent-7 asks four times (two scans), then
    /// agent-8 from the same address three times (one scan, the address's third). Six refusals, three scans sent.
    /// </summary>
    [Fact]
    public async Task A_flood_is_rate_limited_per_agent_and_per_address()
    {
        await using var reflector = await StartAsync(_net,
            "--Reflector:Exposure:Ports:0=22/tcp", "--Reflector:Exposure:Ports:1=5060/udp",
            "--Reflector:Exposure:BurstPerAgent=2", "--Reflector:Exposure:ScansPerHourPerAgent=0.01",
            "--Reflector:Exposure:BurstPerAddress=3", "--Reflector:Exposure:ScansPerHourPerAddress=0.01");
        _net.CountReflectorOutput();
        using var http = NetnsSockets.HttpClient(_net.Client);

        var statuses = new List<(string Agent, HttpStatusCode Status, string? RetryAfter)>();
        foreach (var (agent, password) in new[] { (Username, Password), (Username, Password), (Username, Password), (Username, Password), (OtherUsername, OtherPassword), (OtherUsername, OtherPassword), (OtherUsername, OtherPassword) })
        {
            using var response = await PostAsync(http, Json(Signed(agent, password, TimeProvider.System.GetUtcNow().ToUnixTimeSeconds())));
            statuses.Add((agent, response.StatusCode, response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(CultureInfo.InvariantCulture)));
        }

        output.WriteLine(string.Join('\n', statuses));
        HttpStatusCode[] expected =
        [
            HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests,
            HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests,
        ];
        Assert.Equal(expected, statuses.Select(s => s.Status));
        Assert.All(statuses.Where(s => s.Status == HttpStatusCode.TooManyRequests), s => Assert.NotNull(s.RetryAfter));
        Assert.Equal(3, _net.OutputCount("fm-syn-requester"));
        Assert.Equal(3, _net.OutputCount("fm-udp-requester"));
        Assert.Equal(0, _net.OutputCount("fm-elsewhere"));

        // The probe reports the refusal as an error, not as a verdict about the site.
        var observation = await ProbeAsync(_net);
        Assert.Equal(FleetMonitor.Contracts.ProbeOutcome.Error, observation.Outcome);
        Assert.Equal([FleetMonitor.Probes.FindingCodes.ExposureRateLimited], observation.Findings);
    }

    private static ExposureScanRequest Signed(string username, string password, long timestamp)
    {
        var request = new ExposureScanRequest { Username = username, Timestamp = timestamp, Nonce = ExposureScanProtocol.NewNonce(), Mac = "" };
        return request with { Mac = ExposureScanProtocol.RequestMac(password, request) };
    }

    private static string Json(ExposureScanRequest request) => JsonSerializer.Serialize(request, ExposureScanProtocol.JsonOptions);

    private static string Naming(string member, ExposureScanRequest request)
    {
        var json = JsonNode.Parse(Json(request))!.AsObject();
        json[member] = Bystander;
        return json.ToJsonString();
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string body, string query = "")
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        return await http.PostAsync(new Uri($"{Url}{ExposureScanProtocol.Path}{query}"), content);
    }

    private async Task<Dictionary<string, double>> MetricsAsync()
    {
        using var http = NetnsSockets.HttpClient(_net.Internet);
        var text = await http.GetStringAsync(new Uri($"{ExposureReflector.ManagementUrl}/metrics"));
        return text.Split('\n')
            .Where(line => line.StartsWith("fleetmonitor_reflector_exposure_", StringComparison.Ordinal))
            .Select(line => line.Split(' '))
            .ToDictionary(parts => parts[0], parts => double.Parse(parts[1], CultureInfo.InvariantCulture));
    }
}
