namespace FleetMonitor.Contracts;

/// <summary>An agent, starting, asks for its site's current schedule; the answer is a <see cref="SiteScheduleChanged"/> on its own queue.</summary>
public sealed record ScheduleRequested
{
    /// <summary>The schema version this record describes.</summary>
    public const int CurrentSchemaVersion = 1;

    public required int SchemaVersion { get; init; }

    public required string AgentId { get; init; }

    public required string SiteId { get; init; }

    /// <summary>The version the agent runs now (0 when it has none).</summary>
    public long AppliedVersion { get; init; }

    public required DateTimeOffset SentAt { get; init; }
}
