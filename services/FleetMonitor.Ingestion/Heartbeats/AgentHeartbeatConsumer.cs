using FleetMonitor.Contracts;
using FleetMonitor.Storage;
using MassTransit;

namespace FleetMonitor.Ingestion.Heartbeats;

/// <summary>Records agent heartbeats (agent version, host name, outbox backlog, last seen).</summary>
public sealed class AgentHeartbeatConsumer(AgentStore agents, IngestionMetrics metrics, Identity.AgentIdentityCheck identity) : IConsumer<AgentHeartbeatSent>
{
    public async Task Consume(ConsumeContext<AgentHeartbeatSent> context)
    {
        var heartbeat = context.Message;
        if (heartbeat is null
            || heartbeat.SchemaVersion != AgentHeartbeatSent.CurrentSchemaVersion
            || string.IsNullOrWhiteSpace(heartbeat.AgentId) || heartbeat.AgentId.Length > 128
            || string.IsNullOrWhiteSpace(heartbeat.SiteId) || heartbeat.SiteId.Length > 128
            || string.IsNullOrWhiteSpace(heartbeat.AgentVersion))
        {
            throw new InvalidMessageException("heartbeat: schemaVersion 1 with agentId, siteId and agentVersion is required");
        }

        await identity.EnsureAsync(context, heartbeat.AgentId, heartbeat.SiteId);
        await agents.RecordHeartbeatAsync(heartbeat, context.CancellationToken);
        metrics.HeartbeatRecorded();
    }
}
