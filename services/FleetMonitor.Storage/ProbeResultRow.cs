namespace FleetMonitor.Storage;

/// <summary>One stored probe result, as the Api shows it.</summary>
public sealed class ProbeResultRow
{
    public required Guid Id { get; init; }

    public required string AgentId { get; init; }

    public required string SiteId { get; init; }

    public required string ProbeId { get; init; }

    public required int ProbeVersion { get; init; }

    public required string Kind { get; init; }

    public required string Target { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required double DurationMs { get; init; }

    public required string Outcome { get; init; }

    public required string Measurements { get; init; }

    public required string Facts { get; init; }

    public required string Findings { get; init; }

    public string? Error { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }
}
