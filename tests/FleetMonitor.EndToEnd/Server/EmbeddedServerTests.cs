using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using FleetMonitor.Alerting.Notifications;
using FleetMonitor.EndToEnd.Support;
using Xunit.Abstractions;

namespace FleetMonitor.EndToEnd.Server;

/// <summary>
/// The README's run command as a new user meets it: the embedded server, started as its own process with nothing but
/// the .NET runtime, shows this machine's probe results through its API and dashboard within a minute, and alerts on
/// them through its embedded Alerting.
/// </summary>
public sealed class EmbeddedServerTests(EmbeddedServerFixture server, ITestOutputHelper output) : IClassFixture<EmbeddedServerFixture>
{
    [Fact]
    public async Task The_embedded_server_shows_real_probe_results_within_a_minute()
    {
        // The Api answers nobody who is not signed in.
        using (var anonymous = new HttpClient { BaseAddress = server.Address })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/fleet/state")).StatusCode);
        }

        // The first complete state, read by the fixture as soon as it was there (before the alert test could delay it).
        var state = server.FirstState;
        var http = server.Http;
        var rows = state.EnumerateArray().ToDictionary(r => r.GetProperty("probeId").GetString()!);
        Assert.Equal("ok", rows["self-tcp"].GetProperty("outcome").GetString());
        Assert.Equal("ok", rows["self-http"].GetProperty("outcome").GetString());
        Assert.Equal("failed", rows["sip-tcp-5060"].GetProperty("outcome").GetString());
        Assert.Contains("tcp.refused", rows["sip-tcp-5060"].GetProperty("findings").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("local-agent", rows["self-tcp"].GetProperty("agentId").GetString());

        // The media stream went through the embedded Reflector's echo and back.
        Assert.Equal("ok", rows["media-echo"].GetProperty("outcome").GetString());
        Assert.InRange(rows["media-echo"].GetProperty("measurements").GetProperty("mos_plc").GetDouble(), 4.0, 4.5);
        Assert.Equal(0, rows["media-echo"].GetProperty("measurements").GetProperty("loss_ratio").GetDouble());

        // Loopback has no NAT and nothing filters it: RFC 5780's tests through the STUN server on 127.0.0.1 and 127.0.0.2.
        Assert.Contains("nat.none", Findings(rows["nat"]));
        Assert.Contains("nat.filtering.endpoint_independent", Findings(rows["nat"]));
        var nat = await LatestFactsAsync(http, "nat");
        Assert.Equal("false", nat["nat_present"]);
        Assert.Equal("none", nat["nat_mapping"]);
        Assert.Equal("endpoint_independent", nat["nat_filtering"]);
        Assert.StartsWith("127.0.0.1:", nat["mapped_address"], StringComparison.Ordinal);
        Assert.Equal($"127.0.0.2:{server.StunAlternatePort}", nat["other_address"]);

        // The SIP mirror saw the INVITE as sent, over UDP and TCP.
        Assert.Equal("ok", rows["sip-alg"].GetProperty("outcome").GetString());
        Assert.Contains("sip.alg.none", Findings(rows["sip-alg"]));
        var sipAlg = await LatestFactsAsync(http, "sip-alg");
        Assert.Equal($"{server.SipPort}", sipAlg["ports_checked"]);
        Assert.Equal("none", sipAlg["udp.rewritten"]);
        Assert.Equal("none", sipAlg["tcp.rewritten"]);

        // The connect-back scan of the address the request came from found what is there.
        Assert.Contains($"exposure.open.{server.Port}/tcp", Findings(rows["exposure"]));
        var exposure = await LatestFactsAsync(http, "exposure");
        Assert.Equal("127.0.0.1", exposure["public_address"]);
        Assert.Equal("site", exposure["coverage"]);
        Assert.Equal($"{server.Port}/tcp", exposure["open"]);
        Assert.Equal(
            new[] { $"{server.ClosedPort}/tcp", $"{server.ClosedUdpPort}/udp" }.Order(),
            exposure["closed"].Split(',').Order());

        var page = await http.GetStringAsync("/");
        Assert.Contains("<html", page, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task The_embedded_server_alerts_on_the_refused_sip_port_and_pages_the_configured_webhook()
    {
        // The probe of the closed "SIP" port fails every 15 s: under the default policy its third failure opens a
        // broken alert, listed by the Api (the alerts page reads the same list) and posted to the webhook.
        var alert = await Eventually.WaitAsync(
            async () =>
            {
                Assert.False(server.Server.HasExited, $"The server exited:\n{server.Output}");
                var alerts = JsonDocument.Parse(await server.Http.GetStringAsync("/api/alerts?site=local")).RootElement.Clone();
                return alerts.EnumerateArray().FirstOrDefault(a => a.GetProperty("probeId").GetString() == "sip-tcp-5060");
            },
            a => a.ValueKind == JsonValueKind.Object,
            TimeSpan.FromMinutes(3),
            "an alert for sip-tcp-5060 in /api/alerts");
        output.WriteLine($"alert listed {Stopwatch.GetElapsedTime(server.StartedAt).TotalSeconds:F0} s after the server started");
        Assert.Equal(("local-agent", "broken", "firing"), (alert.GetProperty("agentId").GetString(), alert.GetProperty("class").GetString(), alert.GetProperty("state").GetString()));
        Assert.Contains("tcp.refused", alert.GetProperty("description").GetString(), StringComparison.Ordinal);

        // Other probes of the local agent may page too: the page of this alert is the one checked.
        var alertId = alert.GetProperty("id").GetString();
        var hook = (await Eventually.WaitAsync(
            () => Task.FromResult(server.Webhook.Requests.FirstOrDefault(r => r.Path == "/hook"
                && JsonDocument.Parse(r.Body).RootElement.GetProperty("alert").GetProperty("id").GetString() == alertId)),
            r => r is not null,
            TimeSpan.FromMinutes(1),
            "the page at the webhook"))!;
        Assert.Equal(
            "sha256=" + WebhookNotifier.Sign(EmbeddedServerFixture.WebhookSecret, hook.Headers[WebhookNotifier.TimestampHeader], Encoding.UTF8.GetBytes(hook.Body)),
            hook.Headers[WebhookNotifier.SignatureHeader]);
        var body = JsonDocument.Parse(hook.Body).RootElement;
        Assert.Equal("firing", body.GetProperty("action").GetString());
        Assert.Equal("sip-tcp-5060", body.GetProperty("alert").GetProperty("probe").GetString());
    }

    private static IEnumerable<string?> Findings(JsonElement row) =>
        row.GetProperty("findings").EnumerateArray().Select(f => f.GetString());

    /// <summary>The facts of the local agent's latest result of <paramref name="probeId"/>.</summary>
    private static async Task<Dictionary<string, string>> LatestFactsAsync(HttpClient http, string probeId)
    {
        var page = JsonDocument.Parse(await http.GetStringAsync($"/api/agents/local-agent/probes/{probeId}/results?limit=1")).RootElement;
        return page.GetProperty("items")[0].GetProperty("facts").EnumerateObject().ToDictionary(f => f.Name, f => f.Value.GetString()!);
    }
}
