using System.Text.Json.Serialization;

namespace FleetMonitor.Api.Access;

/// <summary>The body of <c>PATCH /api/users/{name}</c>: the fields to change; a password given here replaces the old one.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record UpdateUserRequest(string? Role, bool? Disabled, string? Password);
