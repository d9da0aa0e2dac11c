namespace FleetMonitor.Alerting.Policies;

/// <summary>An agent is offline when no heartbeat came for <see cref="MissedHeartbeats"/> × <see cref="HeartbeatIntervalSeconds"/>.</summary>
public sealed class AgentOfflineSettings
{
    public const int DefaultHeartbeatIntervalSeconds = 30;

    public const int DefaultMissedHeartbeats = 3;

    public bool? Enabled { get; set; }

    public int? HeartbeatIntervalSeconds { get; set; }

    public int? MissedHeartbeats { get; set; }

    public string? Severity { get; set; }
}
