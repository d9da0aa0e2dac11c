namespace FleetMonitor.Contracts;

/// <summary>Published by Ingestion when an agent/probe's latest outcome or findings changed.</summary>
public sealed record ProbeStateChanged
{
    public required string AgentId { get; init; }

    public required string SiteId { get; init; }

    public required string ProbeId { get; init; }

    public required string Kind { get; init; }

    public required string Target { get; init; }

    /// <summary>The result that caused the change.</summary>
    public required Guid ResultId { get; init; }

    /// <summary>Null when this is the first result for the agent and probe.</summary>
    public ProbeOutcome? PreviousOutcome { get; init; }

    public required ProbeOutcome Outcome { get; init; }

    public IReadOnlyList<string> PreviousFindings { get; init; } = [];

    public IReadOnlyList<string> Findings { get; init; } = [];

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset ChangedAt { get; init; }

    /// <summary>
    /// Position in Ingestion's state-change outbox: larger is later, and the events of one agent/probe are published
    /// in this order. Delivery is at least once: a consumer that has seen a sequence (or a later <see cref="StartedAt"/>)
    /// for the agent/probe drops the repeat. 0 when not set (older publishers).
    /// </summary>
    public long Sequence { get; init; }
}
