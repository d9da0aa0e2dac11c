using FleetMonitor.Agent.Outbox;
using FleetMonitor.Contracts;
using Microsoft.Extensions.Options;
using Quartz;

namespace FleetMonitor.Agent.Scheduling;

/// <summary>Sends the agent's heartbeat: version, host name, schedule size and version (or why it was refused), outbox backlog, dead letters and evictions.</summary>
[DisallowConcurrentExecution]
public sealed class HeartbeatJob(
    AgentMessages messages, ResultOutbox outbox, ActiveProbes active, ScheduleStatus schedule, IOptionsMonitor<AgentOptions> options, TimeProvider timeProvider) : IJob
{
    public async Task Execute(IJobExecutionContext context)
    {
        var agent = options.CurrentValue;
        var outboxStatus = await outbox.StatusAsync(context.CancellationToken);
        await messages.EnqueueAsync(new AgentHeartbeatSent
        {
            SchemaVersion = AgentHeartbeatSent.CurrentSchemaVersion,
            AgentId = agent.AgentId,
            SiteId = agent.SiteId,
            SentAt = timeProvider.GetUtcNow(),
            AgentVersion = typeof(HeartbeatJob).Assembly.GetName().Version?.ToString() ?? "0.0.0",
            Hostname = Environment.MachineName,
            ScheduledProbes = active.Count,
            AppliedScheduleVersion = schedule.AppliedVersion,
            ScheduleError = schedule.Error,
            OutboxBacklog = outboxStatus.Depth,
            OutboxDeadLetters = outboxStatus.DeadLetters,
            OutboxEvicted = outboxStatus.EvictedTotal,
        }, context.CancellationToken);
    }
}
