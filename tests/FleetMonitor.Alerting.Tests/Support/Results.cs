using FleetMonitor.Contracts;

namespace FleetMonitor.Alerting.Tests.Support;

/// <summary>
/// Results as an agent makes them, one second apart per run index, from an epoch fixed when the test process first
/// makes one. A test whose subject depends on the clock (flapping counts changes within a window before now) passes
/// an epoch of its own: the test process can run for many minutes before it.
/// </summary>
public static class Results
{
    private static readonly DateTimeOffset Epoch = TimeProvider.System.GetUtcNow().AddMinutes(-5);

    public static ProbeCompleted Make(
        string agentId, string probeId, string kind, int run, ProbeOutcome outcome, IReadOnlyList<string>? findings = null,
        string siteId = "site-a", string target = "pbx.example.net:5060", IReadOnlyDictionary<string, double>? measurements = null,
        DateTimeOffset? epoch = null)
    {
        var startedAt = (epoch ?? Epoch).AddSeconds(run);
        return new ProbeCompleted
        {
            SchemaVersion = ProbeCompleted.CurrentSchemaVersion,
            Id = Guid.CreateVersion7(startedAt),
            AgentId = agentId,
            SiteId = siteId,
            ProbeId = probeId,
            ProbeVersion = 1,
            Kind = kind,
            Target = target,
            StartedAt = startedAt,
            DurationMs = 12,
            Outcome = outcome,
            Findings = findings ?? (outcome == ProbeOutcome.Failed ? ["tcp.refused"] : []),
            Measurements = measurements ?? new Dictionary<string, double>(),
        };
    }
}
