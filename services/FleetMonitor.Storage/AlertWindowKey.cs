namespace FleetMonitor.Storage;

/// <summary>One agent and probe's evaluation window, with what a new window row is created with.</summary>
public sealed record AlertWindowKey(string AgentId, string ProbeId, string SiteId, string Kind, string Target);
