using FleetMonitor.Contracts;
using FleetMonitor.Storage;
using FleetMonitor.Ingestion.Heartbeats;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Ingestion.Identity;

/// <summary>
/// Records the schedule version (or the error) each agent's heartbeat reports, for the sites and agents pages. A
/// heartbeat is held to the same rules as for the agent's row (<see cref="AgentHeartbeatConsumer.Validate"/>), its
/// <c>sentAt</c> window included: the newest <c>sentAt</c> wins, so a far-future one would freeze the status.
/// </summary>
public sealed class AgentScheduleStatusConsumer(
    ScheduleStore schedules, AgentIdentityCheck identity, TimeProvider timeProvider, IOptions<IngestionOptions> options) : IConsumer<AgentHeartbeatSent>
{
    public async Task Consume(ConsumeContext<AgentHeartbeatSent> context)
    {
        MessageSize.Check(context);
        var errors = AgentHeartbeatConsumer.Validate(context.Message, timeProvider.GetUtcNow(), options.Value).ToList();
        if (AgentDataRules.TextError("scheduleError", context.Message?.ScheduleError) is { } textError)
        {
            errors.Add(textError);
        }

        if (errors.Count > 0)
        {
            throw new InvalidMessageException("heartbeat: " + string.Join("; ", errors));
        }

        var heartbeat = context.Message!;

        await identity.EnsureAsync(context, heartbeat.AgentId, heartbeat.SiteId);
        await schedules.RecordAgentStatusAsync(heartbeat, context.CancellationToken);
    }
}
