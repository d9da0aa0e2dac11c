using FleetMonitor.Agent.Control;
using FleetMonitor.Agent.Hosting;
using Microsoft.Extensions.Options;
using Quartz;

namespace FleetMonitor.Agent.Scheduling;

/// <summary>
/// Turns the locally configured probe definitions into Quartz triggers (see <see cref="ProbeTriggers"/>) and starts the
/// heartbeat; nat and exposure definitions get the agent's Reflector credential, as scheduled ones do.
/// </summary>
public sealed partial class ScheduleRegistrar(
    ISchedulerFactory schedulerFactory,
    IOptions<AgentOptions> options,
    ActiveProbes active,
    TimeProvider timeProvider,
    ILogger<ScheduleRegistrar> logger) : IHostedService
{
    /// <summary>The Quartz group of the probes of the local configuration file.</summary>
    public const string LocalGroup = "probes";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        var agent = options.Value;
        var now = timeProvider.GetUtcNow();

        foreach (var definition in agent.Probes)
        {
            var key = new JobKey(definition.Id, LocalGroup);
            var job = AgentJobs.Define<ProbeJob>(key);
            active.Set(key, ReflectorCredentialOptions.Apply(definition, agent.Reflector));
            await scheduler.ScheduleJob(job, [ProbeTriggers.Build(definition, key, agent.AgentId, agent.MaxSplay, now)], replace: true, cancellationToken);
            LogScheduled(definition.Id, definition.Kind, definition.Target);
        }

        var heartbeat = AgentJobs.Define<HeartbeatJob>(new JobKey("heartbeat", "agent"));
        await scheduler.ScheduleJob(
            heartbeat,
            [TriggerBuilder.Create().ForJob(heartbeat).StartNow().WithSimpleSchedule(s => s.WithInterval(agent.HeartbeatInterval).RepeatForever()).Build()],
            replace: true,
            cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled probe {ProbeId} ({Kind} {Target})")]
    private partial void LogScheduled(string probeId, string kind, string target);
}
