using System.Text.Json;
using FleetMonitor.Storage;

namespace FleetMonitor.Api.Fleet;

/// <summary>The latest state of one agent and probe, with findings and measurements as JSON, not as the text they are stored in.</summary>
public sealed record EndpointStateResponse(
    string AgentId,
    string ProbeId,
    string SiteId,
    string Kind,
    string Target,
    string Outcome,
    JsonElement Findings,
    JsonElement Measurements,
    string? Error,
    Guid LastResultId,
    DateTimeOffset LastStartedAt,
    DateTimeOffset ChangedAt,
    DateTimeOffset UpdatedAt)
{
    public static EndpointStateResponse From(EndpointStateRow row) => new(
        row.AgentId,
        row.ProbeId,
        row.SiteId,
        row.Kind,
        row.Target,
        row.Outcome,
        JsonElement.Parse(row.Findings),
        JsonElement.Parse(row.Measurements),
        row.Error,
        row.LastResultId,
        row.LastStartedAt,
        row.ChangedAt,
        row.UpdatedAt);
}
