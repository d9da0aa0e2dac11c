namespace FleetMonitor.Storage;

/// <summary>A validated definition to store; the store gives it its version.</summary>
public sealed record ProbeDefinitionDraft(
    string SiteId,
    string Id,
    string Kind,
    string Target,
    int? IntervalSeconds,
    string? Cron,
    string TimeZone,
    int TimeoutSeconds,
    IReadOnlyDictionary<string, string> Parameters,
    bool Enabled);
