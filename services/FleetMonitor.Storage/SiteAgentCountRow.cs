namespace FleetMonitor.Storage;

/// <summary>How many agents a site has.</summary>
public sealed class SiteAgentCountRow
{
    public required string SiteId { get; init; }

    public required long Agents { get; init; }
}
