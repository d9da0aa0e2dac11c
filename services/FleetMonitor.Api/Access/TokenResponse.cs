using FleetMonitor.Storage;

namespace FleetMonitor.Api.Access;

/// <summary>An Api token as the Api lists it: never its secret or hash.</summary>
public sealed record TokenResponse(string Id, string Name, string Role, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static TokenResponse From(ApiTokenRow row) => new(row.Id, row.Name, row.Role, row.CreatedBy, row.CreatedAt, row.RevokedAt);
}
