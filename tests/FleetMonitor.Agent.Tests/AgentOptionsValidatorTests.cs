using FleetMonitor.Probes;

namespace FleetMonitor.Agent.Tests;

public sealed class AgentOptionsValidatorTests
{
    private readonly AgentOptionsValidator _validator = new(ProbeCatalog.CreateDefault());

    [Fact]
    public void A_good_configuration_passes()
    {
        var result = _validator.Validate(null, Options(new ProbeDefinitionOptions { Id = "pbx", Kind = "tcp", Target = "pbx:5061", Cron = "0 */5 * * * ?", TimeZone = "Europe/Berlin" }));
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("nosuchkind", 60, null, "UTC", "Kind")]
    [InlineData("tcp", 60, "0 * * * * ?", "UTC", "exactly one of IntervalSeconds and Cron")]
    [InlineData("tcp", null, null, "UTC", "exactly one of IntervalSeconds and Cron")]
    [InlineData("tcp", null, "every minute", "UTC", "Cron")]
    [InlineData("tcp", 60, null, "Mars/Olympus", "TimeZone")]
    [InlineData("tcp", 0, null, "UTC", "IntervalSeconds")]
    public void A_bad_probe_definition_is_named(string kind, int? interval, string? cron, string timeZone, string expected)
    {
        var result = _validator.Validate(null, Options(new ProbeDefinitionOptions { Id = "pbx", Kind = kind, Target = "pbx:5061", IntervalSeconds = interval, Cron = cron, TimeZone = timeZone }));

        Assert.False(result.Succeeded);
        Assert.Contains("Agent:Probes:0", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_ids_and_a_bad_broker_uri_are_named()
    {
        var options = Options(
            new ProbeDefinitionOptions { Id = "pbx", Kind = "tcp", Target = "a:1", IntervalSeconds = 60 },
            new ProbeDefinitionOptions { Id = "pbx", Kind = "tcp", Target = "b:1", IntervalSeconds = 60 });
        options.Broker.Uri = "http://broker";

        var result = _validator.Validate(null, options);

        Assert.Contains("'pbx' is used twice", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Agent:Broker:Uri", result.FailureMessage, StringComparison.Ordinal);
    }

    private static AgentOptions Options(params ProbeDefinitionOptions[] probes) => new()
    {
        AgentId = "agent-1",
        SiteId = "site-1",
        Probes = [.. probes],
    };
}
