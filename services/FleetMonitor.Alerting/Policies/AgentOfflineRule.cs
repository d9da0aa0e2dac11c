namespace FleetMonitor.Alerting.Policies;

/// <summary>
/// When an agent is offline: no heartbeat (or, for an agent that never sent one, no result) for its site's
/// <see cref="AgentOfflineSettings.MissedHeartbeats"/> × <see cref="AgentOfflineSettings.HeartbeatIntervalSeconds"/>
/// (3 × 30 s unless the policy says otherwise); never while the policy turns the check off. The agent-offline alert and
/// the fleet view both ask this, so an agent the dashboard shows offline is exactly one that alerting calls offline.
/// </summary>
public static class AgentOfflineRule
{
    /// <summary>How long an agent of a site with <paramref name="settings"/> may stay silent; null when it is never offline.</summary>
    public static TimeSpan? OfflineAfter(AgentOfflineSettings? settings) => settings?.Enabled == false
        ? null
        : TimeSpan.FromSeconds(settings?.HeartbeatIntervalSeconds ?? AgentOfflineSettings.DefaultHeartbeatIntervalSeconds)
            * (settings?.MissedHeartbeats ?? AgentOfflineSettings.DefaultMissedHeartbeats);

    /// <summary>Whether an agent last heard from at <paramref name="lastHeard"/> is offline at <paramref name="now"/>.</summary>
    public static bool IsOffline(AgentOfflineSettings? settings, DateTimeOffset lastHeard, DateTimeOffset now) =>
        OfflineAfter(settings) is { } allowed && now - lastHeard > allowed;
}
