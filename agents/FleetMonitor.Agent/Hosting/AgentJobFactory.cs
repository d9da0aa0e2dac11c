using Quartz;
using Quartz.Spi;

namespace FleetMonitor.Agent.Hosting;

/// <summary>
/// Resolves Quartz jobs from the container, each in its own scope. A job type must be registered
/// (<c>AddTransient&lt;TJob&gt;()</c>): constructing an unregistered type would need reflection Native AOT cannot see.
/// </summary>
internal sealed class AgentJobFactory(IServiceProvider services) : IJobFactory
{
    private readonly Dictionary<IJob, IServiceScope> _scopes = new(ReferenceEqualityComparer.Instance);

    public IJob NewJob(TriggerFiredBundle bundle, IScheduler scheduler)
    {
        var scope = services.CreateScope();
        if (scope.ServiceProvider.GetService(bundle.JobDetail.JobType) is not IJob job)
        {
            scope.Dispose();
            throw new SchedulerException($"The job type {bundle.JobDetail.JobType} is not registered in the container");
        }

        lock (_scopes)
        {
            _scopes[job] = scope;
        }

        return job;
    }

    public void ReturnJob(IJob job)
    {
        IServiceScope? scope;
        lock (_scopes)
        {
            _scopes.Remove(job, out scope);
        }

        scope?.Dispose();
    }
}
