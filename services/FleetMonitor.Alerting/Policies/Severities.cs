namespace FleetMonitor.Alerting.Policies;

/// <summary>The severities a rule may carry (Alertmanager's conventional values).</summary>
public static class Severities
{
    public const string Critical = "critical";
    public const string Warning = "warning";
    public const string Info = "info";

    public static readonly IReadOnlyList<string> All = [Critical, Warning, Info];
}
