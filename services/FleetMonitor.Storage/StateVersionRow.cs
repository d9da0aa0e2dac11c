namespace FleetMonitor.Storage;

/// <summary>An agent and probe's state by its key and when it was last written, without its contents.</summary>
public sealed class StateVersionRow
{
    public required string AgentId { get; init; }

    public required string ProbeId { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}
