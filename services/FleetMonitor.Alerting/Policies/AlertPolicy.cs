namespace FleetMonitor.Alerting.Policies;

/// <summary>A site's alerting policy: the rules a site's agents must meet, and how regressions are judged (docs/policies.md).</summary>
public sealed class AlertPolicy
{
    /// <summary>The schema version this class reads and writes.</summary>
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; set; }

    /// <summary>N of M to open, K to resolve; a rule may override it.</summary>
    public HysteresisSettings? Hysteresis { get; set; }

    public FlappingSettings? Flapping { get; set; }

    public AgentOfflineSettings? AgentOffline { get; set; }

    public List<PolicyRule>? Rules { get; set; }
}
