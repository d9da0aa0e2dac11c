namespace FleetMonitor.Storage;

/// <summary>One event in an alert's history: opened, acknowledged, resolved, notified.</summary>
public sealed class AlertHistoryRow
{
    public required long Id { get; init; }

    public required Guid AlertId { get; init; }

    public required DateTimeOffset At { get; init; }

    public required string Event { get; init; }

    public string? Actor { get; init; }

    public string? Detail { get; init; }
}
