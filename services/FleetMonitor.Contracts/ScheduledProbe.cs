namespace FleetMonitor.Contracts;

/// <summary>One probe definition as an agent runs it: what, against what, when, and the version that results carry.</summary>
public sealed record ScheduledProbe
{
    public required string Id { get; init; }

    /// <summary>The definition's version; every result of a run carries it as <c>probeVersion</c>.</summary>
    public required int Version { get; init; }

    public required string Kind { get; init; }

    public required string Target { get; init; }

    /// <summary>Run every so many seconds; exactly one of this and <see cref="Cron"/> is set.</summary>
    public int? IntervalSeconds { get; init; }

    /// <summary>A Quartz cron expression (seconds first), evaluated in <see cref="TimeZone"/>.</summary>
    public string? Cron { get; init; }

    /// <summary>An IANA time zone name.</summary>
    public string TimeZone { get; init; } = "UTC";

    public required int TimeoutSeconds { get; init; }

    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
}
