namespace FleetMonitor.Storage;

/// <summary>One row of <c>alert_silences</c>: what it matches (null = any), when it applies, and who made it.</summary>
public sealed class SilenceRow
{
    public required Guid Id { get; init; }

    public string? SiteId { get; init; }

    public string? AgentId { get; init; }

    public string? ProbeId { get; init; }

    public string? Class { get; init; }

    public string? Cause { get; init; }

    public required DateTimeOffset StartsAt { get; init; }

    public DateTimeOffset? EndsAt { get; init; }

    /// <summary>A Quartz cron expression (UTC): the silence applies for <see cref="DurationSeconds"/> after each firing.</summary>
    public string? Cron { get; init; }

    public int? DurationSeconds { get; init; }

    public required string Comment { get; init; }

    public required string CreatedBy { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? ExpiredAt { get; init; }
}
