namespace FleetMonitor.Storage;

/// <summary>An alert to open: what it is about and what it says.</summary>
public sealed record NewAlert
{
    public required string Fingerprint { get; init; }

    public required string Alertname { get; init; }

    public required string SiteId { get; init; }

    public required string AgentId { get; init; }

    public required string ProbeId { get; init; }

    public required string RuleId { get; init; }

    public required string Cause { get; init; }

    public required string Class { get; init; }

    public required string Severity { get; init; }

    public required string Summary { get; init; }

    public required string Description { get; init; }
}
