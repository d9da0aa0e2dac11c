using Microsoft.Extensions.Options;
using Quartz;

namespace FleetMonitor.Agent.Scheduling;

/// <summary>The Quartz job of one probe definition: run it, then put the result in the outbox.</summary>
[DisallowConcurrentExecution]
public sealed partial class ProbeJob(ProbeExecutor executor, AgentMessages messages, IOptionsMonitor<AgentOptions> options, ILogger<ProbeJob> logger) : IJob
{
    public const string ProbeIdKey = "probeId";

    public async Task Execute(IJobExecutionContext context)
    {
        var agent = options.CurrentValue;
        var probeId = context.MergedJobDataMap.GetString(ProbeIdKey);
        var definition = agent.Probes.Find(p => p.Id == probeId);
        if (definition is null)
        {
            LogUnknownProbe(probeId);
            return;
        }

        var result = await executor.RunAsync(agent.AgentId, agent.SiteId, definition, context.CancellationToken);
        await messages.EnqueueAsync(result, context.CancellationToken);
        LogProbeRan(definition.Id, definition.Kind, result.Outcome.ToString(), result.DurationMs);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Probe {ProbeId} is no longer configured")]
    private partial void LogUnknownProbe(string? probeId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Probe {ProbeId} ({Kind}): {Outcome} in {DurationMs} ms")]
    private partial void LogProbeRan(string probeId, string kind, string outcome, double durationMs);
}
