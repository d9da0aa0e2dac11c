using FleetMonitor.Contracts;
using FleetMonitor.Storage;

namespace FleetMonitor.Api.Definitions;

/// <summary>A site's schedule as agents get it, and the version each agent last reported running.</summary>
public sealed record ScheduleResponse(SiteScheduleChanged Schedule, IReadOnlyList<AgentScheduleStatusRow> Agents);
