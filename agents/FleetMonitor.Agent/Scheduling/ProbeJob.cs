using Microsoft.Extensions.Options;
using Quartz;

namespace FleetMonitor.Agent.Scheduling;

/// <summary>The Quartz job of one probe definition: run the definition its key names now, then put the result in the outbox.</summary>
[DisallowConcurrentExecution]
public sealed partial class ProbeJob(ProbeExecutor executor, AgentMessages messages, ActiveProbes active, IOptionsMonitor<AgentOptions> options, ILogger<ProbeJob> logger) : IJob
{
    public async Task Execute(IJobExecutionContext context)
    {
        var agent = options.CurrentValue;
        var key = context.JobDetail.Key;
        if (!active.TryGet(key, out var definition))
        {
            LogUnknownProbe(key.ToString());
            return;
        }

        var result = await executor.RunAsync(agent.AgentId, agent.SiteId, definition, context.CancellationToken);
        await messages.EnqueueAsync(result, context.CancellationToken);
        LogProbeRan(definition.Id, definition.Version, definition.Kind, result.Outcome.ToString(), result.DurationMs);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Probe {ProbeId} is no longer scheduled")]
    private partial void LogUnknownProbe(string probeId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Probe {ProbeId} v{Version} ({Kind}): {Outcome} in {DurationMs} ms")]
    private partial void LogProbeRan(string probeId, int version, string kind, string outcome, double durationMs);
}
