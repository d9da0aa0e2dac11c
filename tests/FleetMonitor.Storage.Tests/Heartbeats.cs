using FleetMonitor.Contracts;

namespace FleetMonitor.Storage.Tests;

/// <summary>Builds agent heartbeats for tests.</summary>
internal static class Heartbeats
{
    public static AgentHeartbeatSent Make(string agent, string site, DateTimeOffset sentAt) => new()
    {
        SchemaVersion = AgentHeartbeatSent.CurrentSchemaVersion,
        AgentId = agent,
        SiteId = site,
        SentAt = sentAt,
        Hostname = agent + ".example.net",
        AgentVersion = "1.0.0",
        OutboxBacklog = 0,
    };
}
