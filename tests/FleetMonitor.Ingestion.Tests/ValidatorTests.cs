using FleetMonitor.Contracts;
using FleetMonitor.Ingestion.Heartbeats;
using FleetMonitor.Ingestion.Results;
using TestResults = FleetMonitor.Storage.Tests.Results;

namespace FleetMonitor.Ingestion.Tests;

/// <summary>The bounds on agent data: every string, key and collection, the ids, the time windows.</summary>
public sealed class ValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly IngestionOptions Options = new();

    [Fact]
    public void A_valid_result_passes() => Assert.Empty(ProbeCompletedValidator.Validate(TestResults.Make(Now), Now, Options));

    public static TheoryData<string, Func<ProbeCompleted, ProbeCompleted>> Invalid => new()
    {
        { "agentId", r => r with { AgentId = new string('a', 129) } },
        { "agentId", r => r with { AgentId = "agent 1" } },
        { "siteId", r => r with { SiteId = "Site-A" } },
        { "siteId", r => r with { SiteId = new string('s', 65) } },
        { "probeId", r => r with { ProbeId = "pbx_tcp" } },
        { "kind", r => r with { Kind = "TCP" } },
        { "target", r => r with { Target = new string('t', AgentDataRules.MaxTargetLength + 1) } },
        { "error", r => r with { Error = new string('e', AgentDataRules.MaxErrorLength + 1) } },
        { "facts", r => r with { Facts = new Dictionary<string, string> { ["k"] = new string('v', AgentDataRules.MaxFactValueLength + 1) } } },
        { "facts", r => r with { Facts = new Dictionary<string, string> { [new string('k', AgentDataRules.MaxKeyLength + 1)] = "v" } } },
        { "facts", r => r with { Facts = Enumerable.Range(0, AgentDataRules.MaxEntries + 1).ToDictionary(i => $"k{i}", _ => "v") } },
        { "measurements", r => r with { Measurements = new Dictionary<string, double> { ["bad key!"] = 1 } } },
        { "measurements", r => r with { Measurements = new Dictionary<string, double> { ["x"] = double.NaN } } },
        { "findings", r => r with { Findings = Enumerable.Range(0, AgentDataRules.MaxFindings + 1).Select(i => $"f.c{i}").ToList() } },
        { "findings", r => r with { Findings = ["tcp." + new string('x', AgentDataRules.MaxFindingLength)] } },
        { "startedAt", r => r with { StartedAt = Now.AddHours(1) } },
        { "startedAt", r => r with { StartedAt = Now.AddDays(-31) } },
        { "durationMs", r => r with { DurationMs = double.PositiveInfinity } },
        // Text PostgreSQL cannot store (found by the fuzz run: it failed the whole batch it was written in).
        { "target", r => r with { Target = "pbx\0.example.com:5060" } },
        { "error", r => r with { Error = "refused\0" } },
        { "facts", r => r with { Facts = new Dictionary<string, string> { ["k"] = "a\ud800b" } } },
        { "facts", r => r with { Facts = new Dictionary<string, string> { ["k"] = "\udc00" } } },
    };

    [Fact]
    public void Text_with_paired_surrogates_is_fine() =>
        Assert.Null(AgentDataRules.TextError("target", "pbx \ud83d\ude00 ü"));

    [Theory]
    [MemberData(nameof(Invalid))]
    public void A_result_out_of_bounds_is_refused_naming_the_field(string field, Func<ProbeCompleted, ProbeCompleted> spoil)
    {
        var errors = ProbeCompletedValidator.Validate(spoil(TestResults.Make(Now)), Now, Options);
        Assert.Contains(errors, e => e.StartsWith(field + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_kinds_are_counted_as_other()
    {
        Assert.Equal("tcp", AgentDataRules.KindLabel("tcp"));
        Assert.Equal("sip-alg", AgentDataRules.KindLabel("sip-alg"));
        Assert.Equal("other", AgentDataRules.KindLabel("made-up-kind-42"));
        Assert.Equal("other", AgentDataRules.KindLabel(null));
    }

    [Fact]
    public void A_heartbeat_from_the_far_future_or_with_long_strings_is_refused()
    {
        var heartbeat = new AgentHeartbeatSent
        {
            SchemaVersion = AgentHeartbeatSent.CurrentSchemaVersion,
            AgentId = "agent-1",
            SiteId = "site-a",
            SentAt = Now,
            AgentVersion = "1.0.0",
            Hostname = "pc-1",
        };
        Assert.Empty(AgentHeartbeatConsumer.Validate(heartbeat, Now, Options));
        Assert.Contains(AgentHeartbeatConsumer.Validate(heartbeat with { SentAt = Now.AddYears(5) }, Now, Options), e => e.StartsWith("sentAt:", StringComparison.Ordinal));
        Assert.Contains(AgentHeartbeatConsumer.Validate(heartbeat with { Hostname = new string('h', 300) }, Now, Options), e => e.StartsWith("hostname:", StringComparison.Ordinal));
        Assert.Contains(AgentHeartbeatConsumer.Validate(heartbeat with { AgentVersion = new string('v', 65) }, Now, Options), e => e.StartsWith("agentVersion:", StringComparison.Ordinal));
        Assert.Contains(AgentHeartbeatConsumer.Validate(heartbeat with { SiteId = "Bad Site" }, Now, Options), e => e.StartsWith("siteId:", StringComparison.Ordinal));
    }
}
