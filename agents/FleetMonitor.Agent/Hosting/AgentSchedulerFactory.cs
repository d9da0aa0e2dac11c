using Quartz;
using Quartz.Impl;
using Quartz.Simpl;

namespace FleetMonitor.Agent.Hosting;

/// <summary>
/// Makes the agent's one Quartz scheduler from explicit parts — an in-memory job store, a small thread pool and
/// <see cref="AgentJobFactory"/> — instead of Quartz's property-driven factory, which loads those types by name through
/// reflection and fails under Native AOT.
/// </summary>
internal sealed class AgentSchedulerFactory(AgentJobFactory jobFactory, ILoggerFactory loggerFactory) : ISchedulerFactory, IDisposable
{
    /// <summary>Probes run in parallel up to this many; the rest wait for a free thread (a misfire policy then applies).</summary>
    public const int MaxConcurrency = 4;

    private const string InstanceId = "agent";

    private readonly string _name = "fleetmonitor-agent-" + Guid.NewGuid().ToString("N");
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IScheduler? _scheduler;

    public async Task<IReadOnlyList<IScheduler>> GetAllSchedulers(CancellationToken cancellationToken = default) =>
        [await GetScheduler(cancellationToken)];

    public async Task<IScheduler> GetScheduler(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_scheduler is null)
            {
                Quartz.Logging.LogContext.SetCurrentLogProvider(loggerFactory);
                // Quartz would set the pool's name and id by reflection (removed from the native binary); set here instead.
                var threadPool = new DefaultThreadPool { MaxConcurrency = MaxConcurrency, InstanceName = _name, InstanceId = InstanceId };
                DirectSchedulerFactory.Instance.CreateScheduler(_name, InstanceId, threadPool, new RAMJobStore());
                _scheduler = await DirectSchedulerFactory.Instance.GetScheduler(_name, cancellationToken)
                    ?? throw new SchedulerException("The agent's scheduler was not created");
                _scheduler.JobFactory = jobFactory;
            }

            return _scheduler;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IScheduler?> GetScheduler(string schedName, CancellationToken cancellationToken = default) =>
        schedName == _name ? await GetScheduler(cancellationToken) : null;

    public void Dispose() => _gate.Dispose();
}
