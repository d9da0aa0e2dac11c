using System.Text.Json.Serialization;
using FleetMonitor.Api.Definitions;

namespace FleetMonitor.Api.Templates;

/// <summary>
/// The body of <c>PUT /api/sites/{siteId}/templates/{templateId}</c>: a value for each of the template's variables, and
/// per-definition overrides (the fields set replace the template's; parameters are merged into the template's).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ApplyTemplateRequest(Dictionary<string, string>? Variables, Dictionary<string, DefinitionRequest>? Overrides);
