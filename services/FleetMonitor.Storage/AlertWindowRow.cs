namespace FleetMonitor.Storage;

/// <summary>The evaluation state of one agent and probe: recent verdicts and transitions, as JSON the Alerting service owns.</summary>
public sealed class AlertWindowRow
{
    public required string AgentId { get; init; }

    public required string ProbeId { get; init; }

    public required string SiteId { get; init; }

    public required string Kind { get; init; }

    public required string Target { get; init; }

    public required string Entries { get; init; }

    public required string EverPassed { get; init; }

    public required string Transitions { get; init; }

    public DateTimeOffset? LastChangeStartedAt { get; init; }
}
