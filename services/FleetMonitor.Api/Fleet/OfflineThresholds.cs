using FleetMonitor.Alerting.Policies;
using FleetMonitor.Storage;

namespace FleetMonitor.Api.Fleet;

/// <summary>Every site's agent-offline settings as its policy in force says (the default policy's where a site has none).</summary>
public sealed class OfflineThresholds(IReadOnlyDictionary<string, AgentOfflineSettings?> bySite)
{
    private static readonly AgentOfflineSettings? Default = DefaultPolicy.Create().AgentOffline;

    private readonly IReadOnlyDictionary<string, AgentOfflineSettings?> _bySite = bySite;

    /// <summary>The shortest silence after which an agent of some site is offline; null when no site's agents ever are.</summary>
    public TimeSpan? Shortest { get; } = bySite.Values.Append(Default).Select(AgentOfflineRule.OfflineAfter).Min();

    public AgentOfflineSettings? For(string siteId) => _bySite.TryGetValue(siteId, out var settings) ? settings : Default;

    /// <summary>Whether alerting calls <paramref name="agent"/> offline at <paramref name="now"/> (<see cref="AgentOfflineRule"/>).</summary>
    public bool IsOffline(AgentRow agent, DateTimeOffset now) =>
        AgentOfflineRule.IsOffline(For(agent.SiteId), agent.LastHeartbeatAt ?? agent.LastSeenAt, now);
}
