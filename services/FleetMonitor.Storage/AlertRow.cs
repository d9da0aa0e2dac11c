namespace FleetMonitor.Storage;

/// <summary>One alert with its lifecycle state (<c>firing</c>, <c>acknowledged</c>, <c>resolved</c>).</summary>
public sealed class AlertRow
{
    public required Guid Id { get; init; }

    public required string Fingerprint { get; init; }

    public required string Alertname { get; init; }

    public required string SiteId { get; init; }

    public required string AgentId { get; init; }

    public required string ProbeId { get; init; }

    public required string RuleId { get; init; }

    public required string Cause { get; init; }

    public required string Class { get; init; }

    public required string Severity { get; init; }

    public required string State { get; init; }

    public required string Summary { get; init; }

    public required string Description { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    public string? AcknowledgedBy { get; init; }

    public DateTimeOffset? AcknowledgedAt { get; init; }

    public string? AckComment { get; init; }

    public required DateTimeOffset LastNotifiedAt { get; init; }

    public int Notifications { get; init; }

    /// <summary>The silence that held back this alert's notifications, while it does.</summary>
    public Guid? SilencedBy { get; init; }

    /// <summary>The agent's public network when the alert opened, if known.</summary>
    public string? Network { get; init; }

    /// <summary>The grouped alert this one belongs to; its own notifications are held while it does.</summary>
    public Guid? GroupId { get; init; }

    /// <summary>The agent's router model (its UPnP gateway's name), when known: alerts of one model and cause are grouped.</summary>
    public string? Router { get; init; }

    /// <summary>The PBX or server the probe reaches (host:port), for probes that reach one: alerts of one target and cause are grouped.</summary>
    public string? Target { get; init; }
}
