using FleetMonitor.Storage;

namespace FleetMonitor.Api.Definitions;

/// <summary>A stored definition with the next times it is due.</summary>
public sealed record DefinitionResponse(
    string SiteId,
    string Id,
    int Version,
    string Kind,
    string Target,
    int? IntervalSeconds,
    string? Cron,
    string TimeZone,
    int TimeoutSeconds,
    IReadOnlyDictionary<string, string> Parameters,
    bool Enabled,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<DateTimeOffset> NextFireTimes,
    string? TemplateId)
{
    public static DefinitionResponse From(ProbeDefinitionRow row, DateTimeOffset now) => new(
        row.SiteId, row.Id, row.Version, row.Kind, row.Target, row.IntervalSeconds, row.Cron, row.TimeZone, row.TimeoutSeconds,
        row.Parameters, row.Enabled, row.UpdatedAt, DefinitionRules.NextFireTimes(row.IntervalSeconds, row.Cron, row.TimeZone, now), row.TemplateId);
}
