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
        if (heartbeat is null || AgentDataRules.AgentIdError(heartbeat.AgentId) is not null || AgentDataRules.SiteIdError(heartbeat.SiteId) is not null)
        {
            throw new InvalidMessageException("heartbeat: a valid agentId and siteId are required");
        }

        if (AgentDataRules.TextError("scheduleError", heartbeat.ScheduleError) is { } textError)
        {
            throw new InvalidMessageException("heartbeat: " + textError);
        }

        await identity.EnsureAsync(context, heartbeat.AgentId, heartbeat.SiteId);
        await schedules.RecordAgentStatusAsync(heartbeat, context.CancellationToken);
    }
}
