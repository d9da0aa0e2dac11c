namespace FleetMonitor.Storage;

/// <summary>An Api token for automation: its public id, a hash of its secret, the role it grants and whether it was revoked.</summary>
public sealed class ApiTokenRow
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string SecretHash { get; init; }

    public required string Role { get; init; }

    public required string CreatedBy { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }
}
