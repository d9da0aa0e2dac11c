namespace FleetMonitor.Storage;

/// <summary>An agent as Ingestion last saw it.</summary>
public sealed class AgentRow
{
    public required string Id { get; init; }

    public required string SiteId { get; init; }

    public string? Hostname { get; init; }

    public string? AgentVersion { get; init; }

    public required DateTimeOffset FirstSeenAt { get; init; }

    public required DateTimeOffset LastSeenAt { get; init; }

    public DateTimeOffset? LastHeartbeatAt { get; init; }

    public long OutboxBacklog { get; init; }
}
