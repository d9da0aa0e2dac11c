namespace FleetMonitor.Bench.Dashboard;

/// <summary>What is loaded: how many agents, sites, probes and days, and which agents carry a full history.</summary>
internal sealed record FleetShape(int Agents, int Sites, int Days, int HistoryAgents, TimeSpan HistoryInterval)
{
    /// <summary>The nine probes every agent runs: id and kind.</summary>
    public static readonly (string Id, string Kind)[] Probes =
    [
        ("tcp-sbc", "tcp"), ("http-portal", "http"), ("dns-sip", "dns"), ("sip-options", "sip"), ("media-echo", "media"),
        ("nat-stun", "nat"), ("exposure-scan", "exposure"), ("upnp-igd", "upnp"), ("sip-alg", "sip-alg"),
    ];

    public static string AgentId(int index) => $"agent-{index:D6}";

    public string SiteId(int index) => $"site-{index % Sites:D3}";

    /// <summary>Every (Agents / HistoryAgents)-th agent has results every <see cref="HistoryInterval"/> for all days.</summary>
    public bool HasHistory(int index) => index % (Agents / HistoryAgents) == 0;

    public int HistorySlots => (int)(TimeSpan.FromDays(Days) / HistoryInterval);

    public long HistoryRows => (long)HistoryAgents * Probes.Length * HistorySlots;

    public long LatestRows => (long)Agents * Probes.Length;
}
