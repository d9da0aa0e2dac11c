namespace FleetMonitor.Api.Fleet;

/// <summary>One site's line of the fleet summary: agents that reported, and their probe states by outcome.</summary>
public sealed record SiteSummary(string SiteId, string Name, int Agents, OutcomeCounts Outcomes);
