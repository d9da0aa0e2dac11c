using FleetMonitor.Storage;

namespace FleetMonitor.Api.Access;

/// <summary>A user as the Api shows it: never the password hash.</summary>
public sealed record UserResponse(string Name, string Role, bool Disabled, bool HasPassword, DateTimeOffset CreatedAt)
{
    public static UserResponse From(UserRow row) => new(row.Name, row.Role, row.DisabledAt is not null, row.PasswordHash is not null, row.CreatedAt);
}
