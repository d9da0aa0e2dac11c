using System.Text.Json.Serialization;

namespace FleetMonitor.Api.Definitions;

/// <summary>
/// The body of <c>POST /api/sites/{siteId}/probe-now</c>: a stored definition's id, or an ad-hoc probe (kind, target,
/// parameters, timeoutSeconds); one agent's id, or none for every agent of the site.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RunNowRequest(
    string? DefinitionId,
    string? Kind,
    string? Target,
    Dictionary<string, string>? Parameters,
    int? TimeoutSeconds,
    string? AgentId);
