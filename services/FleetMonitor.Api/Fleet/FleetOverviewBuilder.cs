using FleetMonitor.Storage;

namespace FleetMonitor.Api.Fleet;

/// <summary>
/// Builds the <see cref="FleetOverview"/> from what it needs, not from every agent: each site's agent count, the agents
/// that are offline, and the classified states that may not be ok. An agent that is neither offline nor has a state
/// that is not ok is ok.
/// </summary>
public static class FleetOverviewBuilder
{
    public static FleetOverview Build(
        IReadOnlyList<SiteRow> sites, IReadOnlyList<SiteAgentCountRow> agentCounts, IReadOnlyList<AgentRow> offline,
        IEnumerable<ClassifiedState> states, DateTimeOffset now)
    {
        var notOk = new Dictionary<string, AgentOverview>(StringComparer.Ordinal);
        var problems = new List<ProblemItem>();
        foreach (var agent in offline)
        {
            var lastHeard = agent.LastHeartbeatAt ?? agent.LastSeenAt;
            notOk[agent.Id] = new AgentOverview(agent.Id, agent.SiteId, FleetClass.Offline, $"no heartbeat since {lastHeard:O}", agent.Hostname, lastHeard);
            problems.Add(new ProblemItem(FleetClass.Offline, FleetClass.Severity(FleetClass.Offline), agent.SiteId, agent.Id, null, null, null, null, null, null,
                $"no heartbeat for {Describe(now - lastHeard)}", lastHeard));
        }

        foreach (var agentStates in states.Where(s => s.Problem is not null).GroupBy(s => s.AgentId, StringComparer.Ordinal))
        {
            if (notOk.ContainsKey(agentStates.Key))
            {
                // Offline: its last states are stale, it is shown as offline, not as the last thing it said.
                continue;
            }

            var ordered = agentStates.OrderBy(s => s.ProbeId, StringComparer.Ordinal).ToList();
            var worst = ordered.MaxBy(s => FleetClass.Severity(s.Class))!;
            notOk[agentStates.Key] = new AgentOverview(agentStates.Key, worst.SiteId, worst.Class, worst.Cause, null, null);
            problems.AddRange(ordered.Select(s => s.Problem!));
        }

        var counts = agentCounts.ToDictionary(c => c.SiteId, c => (int)c.Agents, StringComparer.Ordinal);
        var notOkBySite = notOk.Values.ToLookup(a => a.SiteId, StringComparer.Ordinal);
        var siteRows = sites.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var tiles = siteRows.Keys.Union(counts.Keys, StringComparer.Ordinal).Union(notOkBySite.Select(g => g.Key), StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(id =>
            {
                var members = notOkBySite[id].ToList();
                int Count(string c) => members.Count(m => m.Class == c);
                var total = Math.Max(counts.GetValueOrDefault(id), members.Count);
                siteRows.TryGetValue(id, out var site);
                return new SiteTile(id, site?.Name ?? id, site?.TimeZone ?? "UTC", total,
                    Count(FleetClass.Broken), Count(FleetClass.Exposed), Count(FleetClass.Offline), Count(FleetClass.Degraded), total - members.Count);
            })
            .ToList();

        var sorted = problems
            .OrderByDescending(p => p.Severity)
            .ThenBy(p => p.SiteId, StringComparer.Ordinal)
            .ThenBy(p => p.AgentId, StringComparer.Ordinal)
            .ThenBy(p => p.ProbeId, StringComparer.Ordinal)
            .ToList();
        return new FleetOverview(now, tiles, notOk, sorted);
    }

    private static string Describe(TimeSpan age) => age.TotalHours >= 48
        ? $"{(int)age.TotalDays} d"
        : age.TotalMinutes >= 120 ? $"{(int)age.TotalHours} h" : $"{Math.Max(1, (int)age.TotalMinutes)} min";
}
