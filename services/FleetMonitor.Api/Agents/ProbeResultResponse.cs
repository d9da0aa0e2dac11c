using System.Text.Json;
using FleetMonitor.Storage;

namespace FleetMonitor.Api.Agents;

/// <summary>One stored probe result, with measurements, facts and findings as JSON, not as the text they are stored in.</summary>
public sealed record ProbeResultResponse(
    Guid Id,
    string AgentId,
    string SiteId,
    string ProbeId,
    int ProbeVersion,
    string Kind,
    string Target,
    DateTimeOffset StartedAt,
    double DurationMs,
    string Outcome,
    JsonElement Measurements,
    JsonElement Facts,
    JsonElement Findings,
    string? Error,
    DateTimeOffset ReceivedAt)
{
    public static ProbeResultResponse From(ProbeResultRow row) => new(
        row.Id,
        row.AgentId,
        row.SiteId,
        row.ProbeId,
        row.ProbeVersion,
        row.Kind,
        row.Target,
        row.StartedAt,
        row.DurationMs,
        row.Outcome,
        JsonElement.Parse(row.Measurements),
        JsonElement.Parse(row.Facts),
        JsonElement.Parse(row.Findings),
        row.Error,
        row.ReceivedAt);
}
