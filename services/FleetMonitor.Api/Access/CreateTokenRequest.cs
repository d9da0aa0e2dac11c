using System.Text.Json.Serialization;

namespace FleetMonitor.Api.Access;

/// <summary>The body of <c>POST /api/tokens</c>: what the token is for, and the role it grants.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateTokenRequest(string? Name, string? Role);
