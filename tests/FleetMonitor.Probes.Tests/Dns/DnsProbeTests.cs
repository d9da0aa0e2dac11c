using System.Net;
using System.Net.Sockets;
using FleetMonitor.Contracts;
using FleetMonitor.Probes.Dns;

namespace FleetMonitor.Probes.Tests.Dns;

/// <summary>The dns probe against a real dnsmasq on loopback holding a test zone, and against a resolver that never answers.</summary>
public sealed class DnsProbeTests(DnsmasqPeer dnsmasq) : IClassFixture<DnsmasqPeer>
{
    private readonly DnsProbe _probe = new();

    [Fact]
    public async Task Domain_with_addresses_and_every_SIP_SRV_record_is_ok()
    {
        var observation = await ProbeAsync("pbx.fleet.test");

        Assert.True(observation.Outcome == ProbeOutcome.Ok, $"{observation.Error}\n{dnsmasq.Log}");
        Assert.Empty(observation.Findings);
        Assert.Equal(dnsmasq.Resolver, observation.Facts["resolver"]);
        Assert.Equal("127.0.0.10", observation.Facts["a"]);
        Assert.Equal("fd00::10", observation.Facts["aaaa"]);
        Assert.Equal("10 60 5060 sip1.pbx.fleet.test, 20 40 5060 sip2.pbx.fleet.test", observation.Facts["srv_sip_udp"]);
        Assert.Equal("10 100 5060 sip1.pbx.fleet.test", observation.Facts["srv_sip_tcp"]);
        Assert.Equal("10 100 5061 sip1.pbx.fleet.test", observation.Facts["srv_sips_tcp"]);
        Assert.Equal(1, observation.Measurements["a_count"]);
        Assert.Equal(1, observation.Measurements["aaaa_count"]);
        Assert.Equal(2, observation.Measurements["srv_sip_udp_count"]);
        Assert.Equal(1, observation.Measurements["srv_sip_tcp_count"]);
        Assert.Equal(1, observation.Measurements["srv_sips_tcp_count"]);
        foreach (var query in new[] { "a", "aaaa", "srv_sip_udp", "srv_sip_tcp", "srv_sips_tcp" })
            Assert.True(observation.Measurements[$"{query}_ms"] >= 0, query);
        Assert.DoesNotContain(observation.Facts.Keys, k => k.EndsWith("_rcode", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_SRV_records_are_informational()
    {
        var observation = await ProbeAsync("partial.fleet.test");

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Equal([FindingCodes.DnsSrvMissingSipTcp, FindingCodes.DnsSrvMissingSipsTcp], observation.Findings.Order());
        Assert.Equal("127.0.0.20", observation.Facts["a"]);
        Assert.Equal("0 0 5060 partial.fleet.test", observation.Facts["srv_sip_udp"]);
        Assert.Equal(0, observation.Measurements["srv_sip_tcp_count"]);
        Assert.Equal("NXDOMAIN", observation.Facts["srv_sip_tcp_rcode"]);
        Assert.Equal(0, observation.Measurements["aaaa_count"]);
    }

    [Fact]
    public async Task Domain_with_only_SRV_records_is_degraded_not_found()
    {
        var observation = await ProbeAsync("srvonly.fleet.test");

        Assert.Equal(ProbeOutcome.Degraded, observation.Outcome);
        Assert.Equal([FindingCodes.DnsNotFound], observation.Findings);
        Assert.Contains("SRV", observation.Error, StringComparison.Ordinal);
        Assert.Equal(3, observation.Measurements["srv_sip_udp_count"] + observation.Measurements["srv_sip_tcp_count"] + observation.Measurements["srv_sips_tcp_count"]);
    }

    [Fact]
    public async Task SRV_target_without_an_address_is_degraded()
    {
        var observation = await ProbeAsync("dangling.fleet.test");

        Assert.Equal(ProbeOutcome.Degraded, observation.Outcome);
        Assert.Contains(FindingCodes.DnsSrvTargetNotFound, observation.Findings);
        Assert.Contains("gone.fleet.test", observation.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nonexistent_domain_is_not_found()
    {
        var observation = await ProbeAsync("nothere.fleet.test");

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.DnsNotFound], observation.Findings);
        Assert.Contains("NXDOMAIN", observation.Error, StringComparison.Ordinal);
        Assert.Equal("NXDOMAIN", observation.Facts["a_rcode"]);
        Assert.Equal(0, observation.Measurements["a_count"]);
    }

    [Fact]
    public async Task Resolver_whose_upstream_fails_answers_servfail()
    {
        var observation = await ProbeAsync("upstream-broken.test");

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.DnsServfail], observation.Findings);
        Assert.Equal("SERVFAIL", observation.Facts["a_rcode"]);
        Assert.False(observation.Measurements.ContainsKey("a_count"), "a SERVFAIL says nothing about the records");
    }

    [Fact]
    public async Task Resolver_that_never_answers_times_out()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var resolver = $"127.0.0.1:{((IPEndPoint)silent.LocalEndPoint!).Port}";

        var observation = await ProbeAsync("pbx.fleet.test", resolver, TimeSpan.FromSeconds(1));

        Assert.Equal(ProbeOutcome.Failed, observation.Outcome);
        Assert.Equal([FindingCodes.DnsTimeout], observation.Findings);
        Assert.Equal(resolver, observation.Facts["resolver"]);
        Assert.False(observation.Measurements.ContainsKey("a_ms"));
    }

    [Theory]
    [InlineData("pbx.fleet.test", "resolver", "not-an-address", FindingCodes.InvalidParameter)]
    [InlineData("pbx.fleet.test", "resolver", "127.0.0.1:99999", FindingCodes.InvalidParameter)]
    [InlineData("192.0.2.1", "resolver", "127.0.0.1", FindingCodes.InvalidTarget)]
    [InlineData("not a domain", "resolver", "127.0.0.1", FindingCodes.InvalidTarget)]
    [InlineData("localhost", "resolver", "127.0.0.1", FindingCodes.InvalidTarget)]
    public async Task Unusable_request_is_an_error_of_the_probe(string target, string name, string value, string finding)
    {
        var request = new ProbeRequest { Target = target, Parameters = new Dictionary<string, string> { [name] = value } };

        var observation = await _probe.RunAsync(request, CancellationToken.None);

        Assert.Equal(ProbeOutcome.Error, observation.Outcome);
        Assert.Equal([finding], observation.Findings);
    }

    [Fact]
    public async Task Trailing_dot_of_a_fully_qualified_domain_is_accepted()
    {
        var observation = await ProbeAsync("pbx.fleet.test.");

        Assert.Equal(ProbeOutcome.Ok, observation.Outcome);
        Assert.Equal("127.0.0.10", observation.Facts["a"]);
    }

    [Fact]
    public void Default_catalog_has_the_dns_probe()
    {
        Assert.True(ProbeCatalog.CreateDefault().TryGet("dns", out var probe));
        Assert.IsType<DnsProbe>(probe);
    }

    private Task<ProbeObservation> ProbeAsync(string domain, string? resolver = null, TimeSpan? timeout = null) =>
        _probe.RunAsync(
            new ProbeRequest
            {
                Target = domain,
                Parameters = new Dictionary<string, string> { ["resolver"] = resolver ?? dnsmasq.Resolver },
                // dnsmasq answers at once; a generous budget only matters on a busy machine.
                Timeout = timeout ?? TimeSpan.FromSeconds(30),
            },
            CancellationToken.None);
}
