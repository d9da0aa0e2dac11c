using System.Text.Json;
using FleetMonitor.Storage;

namespace FleetMonitor.Api.Fleet;

/// <summary>
/// Builds the <see cref="FleetOverview"/> from sites, agents (heartbeats) and the latest states per agent and probe.
/// The states may be only those that can be other than ok (<see cref="StateStore.ListNotOkAsync"/>): an agent none of
/// whose states is listed is ok while it beats.
/// </summary>
public static class FleetOverviewBuilder
{
    public static FleetOverview Build(
        IReadOnlyList<SiteRow> sites, IReadOnlyList<AgentRow> agents, IReadOnlyList<EndpointStateRow> states, DateTimeOffset now, TimeSpan offlineAfter)
    {
        var problems = new List<ProblemItem>();
        var agentRows = agents.ToDictionary(a => a.Id, StringComparer.Ordinal);
        var overviews = new List<AgentOverview>();

        foreach (var agentStates in states.GroupBy(s => s.AgentId, StringComparer.Ordinal))
        {
            var agentId = agentStates.Key;
            agentRows.TryGetValue(agentId, out var agent);
            var siteId = agent?.SiteId ?? agentStates.First().SiteId;
            var worst = (Class: FleetClass.Ok, Cause: "");
            var stateProblems = new List<ProblemItem>();
            foreach (var state in agentStates)
            {
                var findings = JsonSerializer.Deserialize<string[]>(state.Findings) ?? [];
                var (fleetClass, cause) = FleetClassifier.Classify(state.Kind, state.Outcome, findings, state.Error);
                if (fleetClass == FleetClass.Ok)
                {
                    continue;
                }

                stateProblems.Add(new ProblemItem(fleetClass, FleetClass.Severity(fleetClass), state.SiteId, agentId, state.ProbeId, state.Kind,
                    state.Target, state.Outcome, JsonElement.Parse(state.Findings), JsonElement.Parse(state.Measurements), cause, state.ChangedAt));
                if (FleetClass.Severity(fleetClass) > FleetClass.Severity(worst.Class))
                {
                    worst = (fleetClass, cause);
                }
            }

            // Without heartbeats, when its last result arrived (any result, not only the states listed here).
            var lastHeard = agent?.LastHeartbeatAt ?? agent?.LastSeenAt ?? agentStates.Max(s => s.LastStartedAt);
            if (now - lastHeard > offlineAfter)
            {
                // Its last states are stale: show the agent as offline, not as the last thing it said.
                overviews.Add(new AgentOverview(agentId, siteId, FleetClass.Offline, $"no heartbeat since {lastHeard:O}", agent?.Hostname, lastHeard));
                problems.Add(new ProblemItem(FleetClass.Offline, FleetClass.Severity(FleetClass.Offline), siteId, agentId, null, null, null, null, null, null,
                    $"no heartbeat for {Describe(now - lastHeard)}", lastHeard));
                continue;
            }

            overviews.Add(new AgentOverview(agentId, siteId, worst.Class, worst.Cause, agent?.Hostname, lastHeard));
            problems.AddRange(stateProblems);
        }

        // Agents with no state listed: every state ok, or no result yet.
        var withResults = overviews.Select(o => o.AgentId).ToHashSet(StringComparer.Ordinal);
        foreach (var agent in agents.Where(a => !withResults.Contains(a.Id)))
        {
            var lastHeard = agent.LastHeartbeatAt ?? agent.LastSeenAt;
            var offline = now - lastHeard > offlineAfter;
            overviews.Add(new AgentOverview(agent.Id, agent.SiteId, offline ? FleetClass.Offline : FleetClass.Ok,
                offline ? $"no heartbeat since {lastHeard:O}" : "", agent.Hostname, lastHeard));
            if (offline)
            {
                problems.Add(new ProblemItem(FleetClass.Offline, FleetClass.Severity(FleetClass.Offline), agent.SiteId, agent.Id, null, null, null, null, null, null,
                    $"no heartbeat for {Describe(now - lastHeard)}", lastHeard));
            }
        }

        var bySite = overviews.ToLookup(o => o.SiteId, StringComparer.Ordinal);
        var siteRows = sites.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var tiles = siteRows.Keys.Union(bySite.Select(g => g.Key), StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(id =>
            {
                var members = bySite[id].ToList();
                int Count(string c) => members.Count(m => m.Class == c);
                siteRows.TryGetValue(id, out var site);
                return new SiteTile(id, site?.Name ?? id, site?.TimeZone ?? "UTC", members.Count,
                    Count(FleetClass.Broken), Count(FleetClass.Exposed), Count(FleetClass.Offline), Count(FleetClass.Degraded), Count(FleetClass.Ok));
            })
            .ToList();

        var sorted = problems
            .OrderByDescending(p => p.Severity)
            .ThenBy(p => p.SiteId, StringComparer.Ordinal)
            .ThenBy(p => p.AgentId, StringComparer.Ordinal)
            .ThenBy(p => p.ProbeId, StringComparer.Ordinal)
            .ToList();
        return new FleetOverview(now, (int)offlineAfter.TotalSeconds, tiles,
            [.. overviews.OrderBy(o => o.SiteId, StringComparer.Ordinal).ThenBy(o => o.AgentId, StringComparer.Ordinal)], sorted);
    }

    private static string Describe(TimeSpan age) => age.TotalHours >= 48
        ? $"{(int)age.TotalDays} d"
        : age.TotalMinutes >= 120 ? $"{(int)age.TotalHours} h" : $"{Math.Max(1, (int)age.TotalMinutes)} min";
}
