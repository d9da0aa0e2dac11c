namespace FleetMonitor.Api.Fleet;

/// <summary>The whole fleet's agents counted by their class (each agent once, in its worst class).</summary>
public sealed record FleetTotals(int Agents, int Broken, int Exposed, int Offline, int Degraded, int Ok)
{
    public static FleetTotals Sum(IReadOnlyList<SiteTile> tiles) => new(
        tiles.Sum(t => t.Agents), tiles.Sum(t => t.Broken), tiles.Sum(t => t.Exposed), tiles.Sum(t => t.Offline), tiles.Sum(t => t.Degraded), tiles.Sum(t => t.Ok));
}
