namespace FleetMonitor.Storage;

/// <summary>One stored version of a site's alerting policy (the JSON document of docs/policies.md).</summary>
public sealed class PolicyRow
{
    public required string SiteId { get; init; }

    public required int Version { get; init; }

    public required string Document { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public string? CreatedBy { get; init; }
}
