namespace FleetMonitor.Alerting.Policies;

/// <summary>What an alert says about a site: the phone cannot work, or the home is reachable from the internet.</summary>
public static class AlertClasses
{
    public const string Broken = "broken";
    public const string Exposed = "exposed";

    public static readonly IReadOnlyList<string> All = [Broken, Exposed];
}
