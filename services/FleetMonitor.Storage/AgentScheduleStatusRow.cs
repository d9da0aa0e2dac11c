namespace FleetMonitor.Storage;

/// <summary>The schedule version an agent last reported running, and why it could not apply a newer one.</summary>
public sealed class AgentScheduleStatusRow
{
    public required string AgentId { get; init; }

    public required string SiteId { get; init; }

    public long? AppliedVersion { get; init; }

    public string? ScheduleError { get; init; }

    public required DateTimeOffset ReportedAt { get; init; }
}
