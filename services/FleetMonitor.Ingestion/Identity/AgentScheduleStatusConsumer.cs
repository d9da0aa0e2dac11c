using FleetMonitor.Contracts;
using FleetMonitor.Storage;
using MassTransit;

namespace FleetMonitor.Ingestion.Identity;

/// <summary>Records the schedule version (or the error) each agent's heartbeat reports, for the sites and agents pages.</summary>
public sealed class AgentScheduleStatusConsumer(ScheduleStore schedules, AgentIdentityCheck identity) : IConsumer<AgentHeartbeatSent>
{
    public async Task Consume(ConsumeContext<AgentHeartbeatSent> context)
    {
        var heartbeat = context.Message;
        if (heartbeat is null || string.IsNullOrWhiteSpace(heartbeat.AgentId) || heartbeat.AgentId.Length > 128
            || string.IsNullOrWhiteSpace(heartbeat.SiteId) || heartbeat.SiteId.Length > 128)
        {
            throw new InvalidMessageException("heartbeat: agentId and siteId are required");
        }

        await identity.EnsureAsync(context, heartbeat.AgentId, heartbeat.SiteId);
        await schedules.RecordAgentStatusAsync(heartbeat, context.CancellationToken);
    }
}
