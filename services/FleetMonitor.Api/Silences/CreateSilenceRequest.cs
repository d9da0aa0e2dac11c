using System.Text.Json.Serialization;

namespace FleetMonitor.Api.Silences;

/// <summary>
/// The body of <c>POST /api/silences</c>: what it matches (at least one of site, agent, probe, class, cause) and when:
/// from <c>startsAt</c> (default now) to <c>endsAt</c>, or for <c>durationMinutes</c> after each firing of a Quartz
/// <c>cron</c> (UTC) between them. Every field is checked by <see cref="SilenceRules"/>, so all are nullable here.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateSilenceRequest(
    string? SiteId, string? AgentId, string? ProbeId, string? Class, string? Cause,
    DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Cron, int? DurationMinutes, string? Comment);
