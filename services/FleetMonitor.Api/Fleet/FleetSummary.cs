namespace FleetMonitor.Api.Fleet;

/// <summary>The fleet's latest probe states counted by outcome, in total and per site.</summary>
public sealed record FleetSummary(int Agents, OutcomeCounts Outcomes, IReadOnlyList<SiteSummary> Sites);
