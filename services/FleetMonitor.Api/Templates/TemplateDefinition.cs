using System.Text.Json.Serialization;
using FleetMonitor.Api.Definitions;

namespace FleetMonitor.Api.Templates;

/// <summary>
/// One definition of a template: a definition with its id, whose target and parameter values may use <c>${variable}</c>
/// placeholders that each site fills in.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TemplateDefinition(
    string? Id,
    string? Kind,
    string? Target,
    int? IntervalSeconds,
    string? Cron,
    string? TimeZone,
    int? TimeoutSeconds,
    Dictionary<string, string>? Parameters,
    bool? Enabled)
{
    public DefinitionRequest ToRequest() => new(Kind, Target, IntervalSeconds, Cron, TimeZone, TimeoutSeconds, Parameters, Enabled);
}
