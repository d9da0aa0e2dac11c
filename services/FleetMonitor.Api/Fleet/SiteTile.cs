namespace FleetMonitor.Api.Fleet;

/// <summary>One site's tile: its agents counted by their class (each agent once, in its worst class).</summary>
public sealed record SiteTile(string SiteId, string Name, string TimeZone, int Agents, int Broken, int Exposed, int Offline, int Degraded, int Ok);
