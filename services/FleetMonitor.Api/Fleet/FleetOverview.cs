namespace FleetMonitor.Api.Fleet;

/// <summary>The dashboard's main view: tiles per site, every agent's class, and the problems sorted worst first.</summary>
public sealed record FleetOverview(
    DateTimeOffset GeneratedAt,
    int OfflineAfterSeconds,
    IReadOnlyList<SiteTile> Sites,
    IReadOnlyList<AgentOverview> Agents,
    IReadOnlyList<ProblemItem> Problems);
