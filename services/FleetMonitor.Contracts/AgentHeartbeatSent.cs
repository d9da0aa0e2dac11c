namespace FleetMonitor.Contracts;

/// <summary>An agent's periodic sign of life, with what it is running.</summary>
public sealed record AgentHeartbeatSent
{
    /// <summary>The schema version this record describes.</summary>
    public const int CurrentSchemaVersion = 1;

    public required int SchemaVersion { get; init; }

    public required string AgentId { get; init; }

    public required string SiteId { get; init; }

    public required DateTimeOffset SentAt { get; init; }

    public required string AgentVersion { get; init; }

    public string? Hostname { get; init; }

    /// <summary>How many probe definitions the agent has scheduled.</summary>
    public int ScheduledProbes { get; init; }

    /// <summary>Results in the agent's outbox not yet confirmed by the broker.</summary>
    public long OutboxBacklog { get; init; }

    /// <summary>Messages the broker refused every time, set aside in the agent's dead-letter table (kept there).</summary>
    public long OutboxDeadLetters { get; init; }

    /// <summary>Messages evicted, oldest first, since the outbox was created, because it reached its size cap.</summary>
    public long OutboxEvicted { get; init; }

    /// <summary>The version of the site schedule (<see cref="SiteScheduleChanged"/>) the agent runs; null when it runs only its local configuration.</summary>
    public long? AppliedScheduleVersion { get; init; }

    /// <summary>Why the last schedule the agent was given could not be applied (it keeps the previous one); null when it could.</summary>
    public string? ScheduleError { get; init; }
}
