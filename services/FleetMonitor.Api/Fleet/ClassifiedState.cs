using System.Text.Json;
using FleetMonitor.Storage;

namespace FleetMonitor.Api.Fleet;

/// <summary>One agent and probe's state as the fleet view classified it, with its problem-list line when it is not ok.</summary>
public sealed record ClassifiedState(string AgentId, string ProbeId, string SiteId, DateTimeOffset UpdatedAt, string Class, string Cause, ProblemItem? Problem)
{
    public static ClassifiedState From(EndpointStateRow state)
    {
        var findings = JsonSerializer.Deserialize<string[]>(state.Findings) ?? [];
        var (fleetClass, cause) = FleetClassifier.Classify(state.Kind, state.Outcome, findings, state.Error);
        var problem = fleetClass == FleetClass.Ok
            ? null
            : new ProblemItem(fleetClass, FleetClass.Severity(fleetClass), state.SiteId, state.AgentId, state.ProbeId, state.Kind, state.Target, state.Outcome,
                JsonElement.Parse(state.Findings), JsonElement.Parse(state.Measurements), cause, state.ChangedAt);
        return new ClassifiedState(state.AgentId, state.ProbeId, state.SiteId, state.UpdatedAt, fleetClass, cause, problem);
    }
}
