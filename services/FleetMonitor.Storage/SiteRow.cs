namespace FleetMonitor.Storage;

/// <summary>A site: one group of agents sharing a policy and a probe schedule.</summary>
public sealed class SiteRow
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string TimeZone { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}
