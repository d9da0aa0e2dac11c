using System.Text.Json.Serialization;

namespace FleetMonitor.Api.Sites;

/// <summary>The body of <c>POST /api/sites</c>; every field is checked by <see cref="SiteRules"/>, so all are nullable here.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateSiteRequest(string? Id, string? Name, string? TimeZone);
