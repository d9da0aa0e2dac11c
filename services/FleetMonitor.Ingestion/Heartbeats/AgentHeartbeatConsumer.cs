using FleetMonitor.Contracts;
using FleetMonitor.Storage;
using MassTransit;

namespace FleetMonitor.Ingestion.Heartbeats;

/// <summary>Records agent heartbeats (agent version, host name, outbox backlog, last seen).</summary>
public sealed class AgentHeartbeatConsumer(AgentStore agents, IngestionMetrics metrics, TimeProvider timeProvider, ILogger<AgentHeartbeatConsumer> logger)
    : IConsumer<AgentHeartbeatSent>
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

        await TransientRetry.RunAsync(
            async ct =>
            {
                try
                {
                    await agents.RecordHeartbeatAsync(heartbeat, ct);
                }
                catch (Exception e) when (!ct.IsCancellationRequested && TransientFailures.IsTransient(e))
                {
                    throw new TransientStorageException("The database is unavailable: " + e.Message, e);
                }
            },
            timeProvider,
            logger,
            context.CancellationToken);
        metrics.HeartbeatRecorded();
    }
}
