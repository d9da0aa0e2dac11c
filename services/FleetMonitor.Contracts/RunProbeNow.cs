namespace FleetMonitor.Contracts;

/// <summary>Run one probe once, now, on the agent whose queue receives this; the result goes the usual way.</summary>
public sealed record RunProbeNow
{
    /// <summary>The schema version this record describes.</summary>
    public const int CurrentSchemaVersion = 1;

    public required int SchemaVersion { get; init; }

    /// <summary>Tells the request's runs apart; an agent runs one request id once.</summary>
    public required Guid RequestId { get; init; }

    public required string SiteId { get; init; }

    /// <summary>The one agent asked, or null for every agent of the site.</summary>
    public string? AgentId { get; init; }

    public required DateTimeOffset RequestedAt { get; init; }

    /// <summary>A stored definition, or an ad-hoc probe (its id starting with <c>adhoc-</c>, version 0).</summary>
    public required ScheduledProbe Probe { get; init; }
}
