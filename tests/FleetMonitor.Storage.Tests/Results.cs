using FleetMonitor.Contracts;

namespace FleetMonitor.Storage.Tests;

/// <summary>Builds probe results for tests.</summary>
internal static class Results
{
    public static ProbeCompleted Make(
        DateTimeOffset startedAt,
        string agentId = "agent-1",
        string probeId = "pbx-tcp",
        ProbeOutcome outcome = ProbeOutcome.Ok,
        string siteId = "site-a",
        params string[] findings) => new()
    {
        SchemaVersion = ProbeCompleted.CurrentSchemaVersion,
        Id = Guid.CreateVersion7(startedAt),
        AgentId = agentId,
        SiteId = siteId,
        ProbeId = probeId,
        ProbeVersion = 1,
        Kind = "tcp",
        Target = "pbx.example.com:5061",
        StartedAt = startedAt,
        DurationMs = 12.5,
        Outcome = outcome,
        Measurements = new Dictionary<string, double> { ["connect_ms"] = 12.5 },
        Facts = new Dictionary<string, string> { ["remote_address"] = "192.0.2.10" },
        Findings = findings,
    };
}
