using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Quartz;

namespace FleetMonitor.Agent.Scheduling;

/// <summary>Turns the configured probe definitions into Quartz triggers, each first run spread by a per-agent splay.</summary>
public sealed partial class ScheduleRegistrar(
    ISchedulerFactory schedulerFactory,
    IOptions<AgentOptions> options,
    TimeProvider timeProvider,
    ILogger<ScheduleRegistrar> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        var agent = options.Value;
        var now = timeProvider.GetUtcNow();

        foreach (var definition in agent.Probes)
        {
            var job = JobBuilder.Create<ProbeJob>()
                .WithIdentity(definition.Id, "probes")
                .UsingJobData(ProbeJob.ProbeIdKey, definition.Id)
                .Build();
            var trigger = TriggerBuilder.Create().WithIdentity(definition.Id, "probes").ForJob(job);
            if (!string.IsNullOrWhiteSpace(definition.Cron))
            {
                trigger = trigger.WithCronSchedule(definition.Cron, c => c
                    .InTimeZone(TimeZoneInfo.FindSystemTimeZoneById(definition.TimeZone))
                    .WithMisfireHandlingInstructionDoNothing());
            }
            else
            {
                var interval = TimeSpan.FromSeconds(definition.IntervalSeconds!.Value);
                trigger = trigger
                    .StartAt(now + Splay(agent.AgentId, definition.Id, interval, agent.MaxSplay))
                    .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever().WithMisfireHandlingInstructionNextWithRemainingCount());
            }

            await scheduler.ScheduleJob(job, [trigger.Build()], replace: true, cancellationToken);
            LogScheduled(definition.Id, definition.Kind, definition.Target);
        }

        var heartbeat = JobBuilder.Create<HeartbeatJob>().WithIdentity("heartbeat", "agent").Build();
        await scheduler.ScheduleJob(
            heartbeat,
            [TriggerBuilder.Create().ForJob(heartbeat).StartNow().WithSimpleSchedule(s => s.WithInterval(agent.HeartbeatInterval).RepeatForever()).Build()],
            replace: true,
            cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A stable offset per agent and probe, so that a fleet does not probe the PBX in the same second.</summary>
    internal static TimeSpan Splay(string agentId, string probeId, TimeSpan interval, TimeSpan maxSplay)
    {
        var window = TimeSpan.FromTicks(Math.Min(interval.Ticks, maxSplay.Ticks));
        if (window <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var hash = BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(agentId + "/" + probeId)));
        return TimeSpan.FromMilliseconds(hash % (ulong)window.TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled probe {ProbeId} ({Kind} {Target})")]
    private partial void LogScheduled(string probeId, string kind, string target);
}
