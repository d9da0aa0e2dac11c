namespace FleetMonitor.Api.Fleet;

/// <summary>An agent's class in the fleet view, why, and when it was last heard of.</summary>
public sealed record AgentOverview(string AgentId, string SiteId, string Class, string Cause, string? Hostname, DateTimeOffset? LastHeardAt);
