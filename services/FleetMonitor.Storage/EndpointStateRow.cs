namespace FleetMonitor.Storage;

/// <summary>The latest state of one agent and probe: what the fleet view reads.</summary>
public sealed class EndpointStateRow
{
    public required string AgentId { get; init; }

    public required string ProbeId { get; init; }

    public required string SiteId { get; init; }

    public required string Kind { get; init; }

    public required string Target { get; init; }

    public required string Outcome { get; init; }

    public required string Findings { get; init; }

    public required string Measurements { get; init; }

    public string? Error { get; init; }

    public required Guid LastResultId { get; init; }

    public required DateTimeOffset LastStartedAt { get; init; }

    public required DateTimeOffset ChangedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}
