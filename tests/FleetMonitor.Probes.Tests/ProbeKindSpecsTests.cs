using FleetMonitor.Contracts;

namespace FleetMonitor.Probes.Tests;

public sealed class ProbeKindSpecsTests
{
    /// <summary>A target each kind accepts, so that only the parameter can be refused.</summary>
    public static TheoryData<string, string> Targets => new()
    {
        { "tcp", "127.0.0.1:1" },
        { "http", "http://127.0.0.1:1/" },
        { "dns", "example.com" },
        { "sip", "127.0.0.1" },
        { "media", "127.0.0.1:1" },
        { "nat", "127.0.0.1:1" },
        { "sip-alg", "127.0.0.1" },
        { "exposure", "http://127.0.0.1:1/" },
        { "upnp", "ssdp" },
    };

    [Fact]
    public void Every_kind_of_the_catalog_has_a_spec_and_no_spec_lacks_a_probe()
    {
        Assert.Equal(ProbeCatalog.CreateDefault().Kinds.Order(), ProbeKindSpecs.All.Keys.Order());
        Assert.All(ProbeKindSpecs.All, spec => Assert.Equal(spec.Key, spec.Value.Kind));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task An_unknown_parameter_is_refused_by_name_before_anything_is_sent(string kind, string target)
    {
        Assert.True(ProbeCatalog.CreateDefault().TryGet(kind, out var probe));

        var observation = await probe.RunAsync(
            new ProbeRequest { Target = target, Parameters = new Dictionary<string, string> { ["max_lifetme_s"] = "120" } },
            CancellationToken.None);

        Assert.Equal(ProbeOutcome.Error, observation.Outcome);
        Assert.Equal([FindingCodes.InvalidParameter], observation.Findings);
        Assert.Contains("'max_lifetme_s' is not a parameter of the " + kind + " probe", observation.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Known_parameters_pass_and_an_unknown_kind_is_named()
    {
        Assert.Null(ProbeKindSpecs.UnknownParameter("nat", ["username", "password", "max_lifetime_s", "keepalive_s", "rto_ms", "rc", "rm"]));
        Assert.Contains("'stun' is not a probe kind", ProbeKindSpecs.UnknownParameter("stun", []), StringComparison.Ordinal);
    }

    [Fact]
    public void Default_timeouts_fit_what_each_kind_needs_by_default()
    {
        // nat: max_lifetime_s 120 plus the last trial's conclusion; exposure: the Reflector's 20 s scan limit and the request.
        Assert.True(ProbeKindSpecs.All["nat"].DefaultTimeout > TimeSpan.FromSeconds(125));
        Assert.True(ProbeKindSpecs.All["exposure"].DefaultTimeout > TimeSpan.FromSeconds(20));
    }
}
