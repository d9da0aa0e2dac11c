using FleetMonitor.Storage;

namespace FleetMonitor.Api.Fleet;

/// <summary>
/// The dashboard's main view: tiles per site, the agents that are not ok (offline, or with a state that is not) by id,
/// and the problems sorted worst first. Every other agent is ok; <see cref="Describe"/> says so for an agent's row.
/// </summary>
public sealed record FleetOverview(
    DateTimeOffset GeneratedAt,
    IReadOnlyList<SiteTile> Sites,
    IReadOnlyDictionary<string, AgentOverview> NotOk,
    IReadOnlyList<ProblemItem> Problems)
{
    /// <summary>The agent's class in this overview, with its host name and last-heard time from <paramref name="agent"/>.</summary>
    public AgentOverview Describe(AgentRow agent)
    {
        var lastHeard = agent.LastHeartbeatAt ?? agent.LastSeenAt;
        return NotOk.TryGetValue(agent.Id, out var known)
            ? known with { Hostname = agent.Hostname, LastHeardAt = known.LastHeardAt ?? lastHeard }
            : new AgentOverview(agent.Id, agent.SiteId, FleetClass.Ok, "", agent.Hostname, lastHeard);
    }
}
