namespace FleetMonitor.Api.Fleet;

/// <summary>
/// What the NOC calls an agent or a probe state, worst first. Until sites' policies say more, a state is classified from
/// its kind, outcome and finding codes alone (<see cref="FleetClassifier"/>): open ports and router port mappings are
/// <c>exposed</c>; a failed probe or a rewriting SIP ALG is <c>broken</c>; a degraded or erroring probe is <c>degraded</c>.
/// An agent is <c>offline</c> when its heartbeats stopped, whatever its last states said.
/// </summary>
public static class FleetClass
{
    public const string Broken = "broken";

    public const string Exposed = "exposed";

    public const string Offline = "offline";

    public const string Degraded = "degraded";

    public const string Ok = "ok";

    /// <summary>Worst first: the order of the problem list and of an agent's class.</summary>
    public static IReadOnlyList<string> BySeverity { get; } = [Broken, Exposed, Offline, Degraded, Ok];

    /// <summary>Higher is worse: broken 4, exposed 3, offline 2, degraded 1, ok 0.</summary>
    public static int Severity(string fleetClass) => BySeverity.Count - 1 - IndexOf(fleetClass);

    private static int IndexOf(string fleetClass)
    {
        for (var i = 0; i < BySeverity.Count; i++)
        {
            if (BySeverity[i] == fleetClass)
            {
                return i;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(fleetClass), fleetClass, "not a fleet class");
    }
}
