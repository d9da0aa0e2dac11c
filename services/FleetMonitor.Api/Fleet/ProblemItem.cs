using System.Text.Json;

namespace FleetMonitor.Api.Fleet;

/// <summary>One line of the problem list: an agent's probe state that is not ok, or an agent that is offline (then no probe).</summary>
public sealed record ProblemItem(
    string Class,
    int Severity,
    string SiteId,
    string AgentId,
    string? ProbeId,
    string? Kind,
    string? Target,
    string? Outcome,
    JsonElement? Findings,
    JsonElement? Measurements,
    string Cause,
    DateTimeOffset Since);
