using System.Text.Json.Serialization;

namespace FleetMonitor.Api.Enrolment;

/// <summary>The body of <c>POST /api/sites/{siteId}/enrolment-tokens</c>: how long the token lives and how many agents it may enrol.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateTokenRequest(int? ExpiresInHours, int? MaxUses);
