namespace FleetMonitor.Storage;

/// <summary>The states of an alert's lifecycle, as stored.</summary>
public static class AlertStates
{
    public const string Firing = "firing";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";

    public static readonly IReadOnlyList<string> All = [Firing, Acknowledged, Resolved];
}
