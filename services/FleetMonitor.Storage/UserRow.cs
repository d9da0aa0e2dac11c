namespace FleetMonitor.Storage;

/// <summary>A person who may sign in to the Api and dashboard, with the role that says what they may do.</summary>
public sealed class UserRow
{
    public required string Name { get; init; }

    public string? PasswordHash { get; init; }

    public required string Role { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? DisabledAt { get; init; }
}
