namespace FleetMonitor.Storage;

/// <summary>A site enrolment token as stored (its hash, never the token).</summary>
public sealed class EnrolmentTokenRow
{
    public required string Id { get; init; }

    public required string SiteId { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public required int MaxUses { get; init; }

    public required int Uses { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}
