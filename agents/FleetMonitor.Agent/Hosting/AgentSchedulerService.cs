using Quartz;

namespace FleetMonitor.Agent.Hosting;

/// <summary>
/// Starts the agent's scheduler once the host has started and stops it, waiting for running probes, when the host
/// stops. Starting after the host, not with it, lets the first probes find what the same host serves (the embedded
/// server's own pages and the Reflector's exposure scan listen only when every hosted service has started).
/// </summary>
internal sealed class AgentSchedulerService(ISchedulerFactory schedulerFactory) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken cancellationToken) =>
        await (await schedulerFactory.GetScheduler(cancellationToken)).Start(cancellationToken);

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken) =>
        await (await schedulerFactory.GetScheduler(cancellationToken)).Shutdown(waitForJobsToComplete: true, cancellationToken);

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
