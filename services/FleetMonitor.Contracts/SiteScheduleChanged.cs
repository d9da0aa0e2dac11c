namespace FleetMonitor.Contracts;

/// <summary>
/// The full desired probe schedule of a site, sent to each of its agents' queues whenever it changes and when an agent
/// asks for it (see docs/wire-format.md). An agent applies a version higher than the one it runs and ignores the rest.
/// </summary>
public sealed record SiteScheduleChanged
{
    /// <summary>The schema version this record describes.</summary>
    public const int CurrentSchemaVersion = 1;

    public required int SchemaVersion { get; init; }

    public required string SiteId { get; init; }

    /// <summary>Grows with every change of the site's definitions.</summary>
    public required long Version { get; init; }

    public required DateTimeOffset ChangedAt { get; init; }

    /// <summary>Every enabled definition; one not listed is not to run.</summary>
    public required IReadOnlyList<ScheduledProbe> Probes { get; init; }
}
