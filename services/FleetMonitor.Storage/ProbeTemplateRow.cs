namespace FleetMonitor.Storage;

/// <summary>A stored template: its definitions are JSON the Api reads and checks.</summary>
public sealed class ProbeTemplateRow
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string Description { get; init; }

    public required string Definitions { get; init; }

    public required long Version { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }
}
