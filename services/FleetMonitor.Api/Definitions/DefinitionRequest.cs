using System.Text.Json.Serialization;

namespace FleetMonitor.Api.Definitions;

/// <summary>
/// The body of <c>PUT /api/sites/{siteId}/definitions/{id}</c> and of its <c>validate</c> twin; every field is checked by
/// <see cref="DefinitionRules"/>, so all are nullable here.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DefinitionRequest(
    string? Kind,
    string? Target,
    int? IntervalSeconds,
    string? Cron,
    string? TimeZone,
    int? TimeoutSeconds,
    Dictionary<string, string>? Parameters,
    bool? Enabled);
