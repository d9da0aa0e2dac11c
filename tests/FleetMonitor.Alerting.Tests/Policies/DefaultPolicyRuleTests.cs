using FleetMonitor.Alerting.Policies;
using FleetMonitor.Contracts;

namespace FleetMonitor.Alerting.Tests.Policies;

/// <summary>What the default policy makes of the findings the probes report.</summary>
public sealed class DefaultPolicyRuleTests
{
    private static readonly AlertPolicy Policy = DefaultPolicy.Create();

    [Fact]
    public void An_open_sip_port_fails_an_exposed_rule()
    {
        var failed = Failing("exposure", ProbeOutcome.Degraded, ["exposure.open.5060/udp"]);
        var rule = Assert.Single(failed);
        Assert.Equal(("inbound-closed", AlertClasses.Exposed), (rule.Id, rule.Class));
    }

    [Fact]
    public void A_sip_alg_rewriting_via_fails_a_broken_rule()
    {
        var rule = Assert.Single(Failing("sip-alg", ProbeOutcome.Degraded, ["sip.alg.rewrote_via"]));
        Assert.Equal(("sip-alg", AlertClasses.Broken), (rule.Id, rule.Class));
    }

    [Fact]
    public void A_clean_exposure_scan_and_a_clean_sip_alg_check_pass()
    {
        Assert.Empty(Failing("exposure", ProbeOutcome.Ok, ["exposure.none"]));
        Assert.Empty(Failing("sip-alg", ProbeOutcome.Ok, ["sip.alg.none"]));
    }

    [Fact]
    public void Upnp_forwarding_and_a_full_cone_are_exposures_a_symmetric_nat_is_broken()
    {
        Assert.Equal(["upnp-forwarding"], Failing("upnp", ProbeOutcome.Degraded, ["upnp.mapping.wide_range"]).Select(r => r.Id));
        Assert.Equal(["nat-symmetric"], Failing("nat", ProbeOutcome.Degraded, ["nat.symmetric", "nat.mapping.address_and_port_dependent"]).Select(r => r.Id));
        Assert.Equal(["nat-filtering-open"], Failing("nat", ProbeOutcome.Degraded, ["exposure.nat_filtering_open"]).Select(r => r.Id));
    }

    [Fact]
    public void Media_thresholds_judge_the_measurements()
    {
        var bad = Failing("media", ProbeOutcome.Degraded, ["media.mos_low"], new Dictionary<string, double> { ["mos_plc"] = 3.2, ["loss_ratio"] = 0.05, ["jitter_ms"] = 12 });
        Assert.Equal(["media-loss", "media-mos"], bad.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.Empty(Failing("media", ProbeOutcome.Ok, [], new Dictionary<string, double> { ["mos_plc"] = 4.3, ["loss_ratio"] = 0, ["jitter_ms"] = 3 }));
    }

    [Fact]
    public void A_refused_register_port_fails_the_tcp_path_and_a_probe_error_says_nothing()
    {
        Assert.Equal(["tcp-path"], Failing("tcp", ProbeOutcome.Failed, ["tcp.refused"]).Select(r => r.Id));
        Assert.All(Policy.Rules!, r => Assert.Equal(RuleVerdict.NotApplicable, RuleEvaluator.Evaluate(r, Observe("tcp", ProbeOutcome.Error, ["probe.invalid_target"]))));
    }

    private static List<PolicyRule> Failing(string kind, ProbeOutcome outcome, IReadOnlyList<string> findings, IReadOnlyDictionary<string, double>? measurements = null) =>
        Policy.Rules!.Where(r => RuleEvaluator.Evaluate(r, Observe(kind, outcome, findings, measurements)) == RuleVerdict.Fail).ToList();

    private static Observation Observe(string kind, ProbeOutcome outcome, IReadOnlyList<string> findings, IReadOnlyDictionary<string, double>? measurements = null) => new()
    {
        AgentId = "a",
        SiteId = "s",
        ProbeId = "p",
        Kind = kind,
        Target = "t",
        ResultId = Guid.NewGuid(),
        StartedAt = TimeProvider.System.GetUtcNow(),
        Outcome = outcome,
        Findings = findings,
        Measurements = measurements ?? new Dictionary<string, double>(),
    };
}
