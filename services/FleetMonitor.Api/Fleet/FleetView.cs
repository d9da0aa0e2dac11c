namespace FleetMonitor.Api.Fleet;

/// <summary>
/// The answer of <c>GET /api/fleet/overview</c>: every site's tile and the fleet's totals, the agents asked for, and
/// the problems that match the filter, worst first, at most the limit of them (<see cref="MatchingCount"/> says how
/// many matched, <see cref="ProblemCount"/> how many there are in all).
/// </summary>
public sealed record FleetView(
    DateTimeOffset GeneratedAt,
    IReadOnlyList<SiteTile> Sites,
    FleetTotals Totals,
    IReadOnlyList<AgentOverview> Agents,
    IReadOnlyList<ProblemItem> Problems,
    int ProblemCount,
    int MatchingCount);
