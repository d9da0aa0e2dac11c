using System.Text.Json.Serialization;

namespace FleetMonitor.Api.Access;

/// <summary>The body of <c>POST /api/users</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateUserRequest(string? Name, string? Password, string? Role);
