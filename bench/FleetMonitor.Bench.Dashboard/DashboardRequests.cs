namespace FleetMonitor.Bench.Dashboard;

/// <summary>The addresses the fleet page asks for.</summary>
internal static class DashboardRequests
{
    /// <summary>Tiles, totals and the worst 500 problems, no agent list (app.js's <c>overviewUrl</c> without a filter).</summary>
    public const string Overview = "/api/fleet/overview?agents=none&limit=500";
}
