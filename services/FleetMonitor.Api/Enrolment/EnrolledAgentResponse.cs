namespace FleetMonitor.Api.Enrolment;

/// <summary>An enrolled agent as the agents page lists it: no secrets, with the schedule version it last reported.</summary>
public sealed record EnrolledAgentResponse(
    string AgentId,
    string SiteId,
    string? Hostname,
    DateTimeOffset EnrolledAt,
    DateTimeOffset? RevokedAt,
    long? AppliedScheduleVersion,
    string? ScheduleError,
    DateTimeOffset? ReportedAt);
