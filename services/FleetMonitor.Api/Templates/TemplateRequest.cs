using System.Text.Json.Serialization;

namespace FleetMonitor.Api.Templates;

/// <summary>The body of <c>PUT /api/templates/{id}</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TemplateRequest(string? Name, string? Description, List<TemplateDefinition>? Definitions);
