using Quartz;

namespace FleetMonitor.Agent.Hosting;

/// <summary>Starts the agent's scheduler with the host and stops it, waiting for running probes, when the host stops.</summary>
internal sealed class AgentSchedulerService(ISchedulerFactory schedulerFactory) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken) =>
        await (await schedulerFactory.GetScheduler(cancellationToken)).Start(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken) =>
        await (await schedulerFactory.GetScheduler(cancellationToken)).Shutdown(waitForJobsToComplete: true, cancellationToken);
}
