namespace FleetMonitor.Storage;

/// <summary>One delivery of an alert change to one channel, and how it went.</summary>
public sealed class AlertNotificationRow
{
    public required long Id { get; init; }

    public required Guid AlertId { get; init; }

    public required string Channel { get; init; }

    /// <summary><c>firing</c>, <c>renotify</c>, <c>acknowledged</c> or <c>resolved</c>.</summary>
    public required string Action { get; init; }

    /// <summary><c>pending</c>, <c>delivered</c> or <c>failed</c> (gave up).</summary>
    public required string Status { get; init; }

    public required int Attempts { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset NextAttemptAt { get; init; }

    public DateTimeOffset? DeliveredAt { get; init; }

    public string? LastError { get; init; }
}
