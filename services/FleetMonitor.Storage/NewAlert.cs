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

    /// <summary>The agent's public network (<c>203.0.113.0/24</c>), when known: alerts of one network and cause are grouped.</summary>
    public string? Network { get; init; }

    /// <summary>The agent's router model (its UPnP gateway's name), when known: alerts of one model and cause are grouped.</summary>
    public string? Router { get; init; }

    /// <summary>The PBX or server the probe reaches (host:port), for probes that reach one: alerts of one target and cause are grouped.</summary>
    public string? Target { get; init; }

    /// <summary>How long the firing notification waits before it is sent, so that alerts of one network, router model or target can be grouped.</summary>
    public TimeSpan HoldFor { get; init; }
}
