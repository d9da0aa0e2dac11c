namespace FleetMonitor.Storage;

/// <summary>The facts (JSON object) of an agent's latest <c>nat</c>, <c>upnp</c> or <c>exposure</c> result.</summary>
public sealed class NetworkFactsRow
{
    public required string AgentId { get; init; }

    public required string Kind { get; init; }

    public required string Facts { get; init; }
}
