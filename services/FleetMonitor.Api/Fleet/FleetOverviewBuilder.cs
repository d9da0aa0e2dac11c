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
        IEnumerable<ClassifiedState> states, DateTimeOffset now) =>
        Build(sites, agentCounts, offline, StateProblems.From(states), now);

    /// <summary>As the other overload, with the states' part worked out beforehand (it changes only when they do).</summary>
    public static FleetOverview Build(
        IReadOnlyList<SiteRow> sites, IReadOnlyList<SiteAgentCountRow> agentCounts, IReadOnlyList<AgentRow> offline,
        StateProblems states, DateTimeOffset now)
    {
        var notOk = new Dictionary<string, AgentOverview>(states.Agents.Count + offline.Count, StringComparer.Ordinal);
        var offlineProblems = new List<ProblemItem>(offline.Count);
        foreach (var agent in offline)
        {
            var lastHeard = agent.LastHeartbeatAt ?? agent.LastSeenAt;
            notOk[agent.Id] = new AgentOverview(agent.Id, agent.SiteId, FleetClass.Offline, $"no heartbeat since {lastHeard:O}", agent.Hostname, lastHeard);
            offlineProblems.Add(new ProblemItem(FleetClass.Offline, FleetClass.Severity(FleetClass.Offline), agent.SiteId, agent.Id, null, null, null, null, null, null,
                $"no heartbeat for {Describe(now - lastHeard)}", lastHeard));
        }

        // An offline agent's last states are stale: it is shown as offline, not as the last thing it said.
        foreach (var (agentId, overview) in states.Agents)
        {
            notOk.TryAdd(agentId, overview);
        }

        offlineProblems.Sort(ProblemOrder.Instance);
        var sorted = Merge(offlineProblems, offline.Count == 0 ? states.Sorted : [.. states.Sorted.Where(p => notOk[p.AgentId].Class != FleetClass.Offline)]);

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

        return new FleetOverview(now, tiles, notOk, sorted);
    }

    private static List<ProblemItem> Merge(List<ProblemItem> first, IReadOnlyList<ProblemItem> second)
    {
        var merged = new List<ProblemItem>(first.Count + second.Count);
        int i = 0, j = 0;
        while (i < first.Count && j < second.Count)
        {
            merged.Add(ProblemOrder.Instance.Compare(first[i], second[j]) <= 0 ? first[i++] : second[j++]);
        }

        merged.AddRange(first.Skip(i));
        merged.AddRange(second.Skip(j));
        return merged;
    }

    private static string Describe(TimeSpan age) => age.TotalHours >= 48
        ? $"{(int)age.TotalDays} d"
        : age.TotalMinutes >= 120 ? $"{(int)age.TotalHours} h" : $"{Math.Max(1, (int)age.TotalMinutes)} min";
}
