using FleetMonitor.Contracts;

namespace FleetMonitor.Alerting.Policies;

/// <summary>What the policy is judged against: one result (or the state change it caused).</summary>
public sealed record Observation
{
    public required string AgentId { get; init; }

    public required string SiteId { get; init; }

    public required string ProbeId { get; init; }

    public required string Kind { get; init; }

    public required string Target { get; init; }

    public required Guid ResultId { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required ProbeOutcome Outcome { get; init; }

    public IReadOnlyList<string> Findings { get; init; } = [];

    public IReadOnlyDictionary<string, double> Measurements { get; init; } = new Dictionary<string, double>();

    public IReadOnlyDictionary<string, string> Facts { get; init; } = new Dictionary<string, string>();

    public static Observation From(ProbeCompleted result) => new()
    {
        AgentId = result.AgentId,
        SiteId = result.SiteId,
        ProbeId = result.ProbeId,
        Kind = result.Kind,
        Target = result.Target,
        ResultId = result.Id,
        StartedAt = result.StartedAt,
        Outcome = result.Outcome,
        Findings = result.Findings ?? [],
        Measurements = result.Measurements ?? new Dictionary<string, double>(),
        Facts = result.Facts ?? new Dictionary<string, string>(),
    };
}
