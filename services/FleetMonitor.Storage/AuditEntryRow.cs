namespace FleetMonitor.Storage;

/// <summary>One change made through the Api: who, what, on which thing, and the thing as JSON before and after.</summary>
public sealed class AuditEntryRow
{
    public required long Id { get; init; }

    public required DateTimeOffset At { get; init; }

    public required string Actor { get; init; }

    public required string Action { get; init; }

    public required string Target { get; init; }

    public string? Before { get; init; }

    public string? After { get; init; }
}
