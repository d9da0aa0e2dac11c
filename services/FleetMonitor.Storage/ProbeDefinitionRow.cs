namespace FleetMonitor.Storage;

/// <summary>One probe definition of a site, as stored.</summary>
public sealed class ProbeDefinitionRow
{
    public required string SiteId { get; init; }

    public required string Id { get; init; }

    public required int Version { get; init; }

    public required string Kind { get; init; }

    public required string Target { get; init; }

    public int? IntervalSeconds { get; init; }

    /// <summary>A Quartz cron expression; null when <see cref="IntervalSeconds"/> is set.</summary>
    public string? Cron { get; init; }

    public required string TimeZone { get; init; }

    public required int TimeoutSeconds { get; init; }

    public required IReadOnlyDictionary<string, string> Parameters { get; init; }

    public required bool Enabled { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The template this definition was made from; null for one edited by hand.</summary>
    public string? TemplateId { get; init; }
}
