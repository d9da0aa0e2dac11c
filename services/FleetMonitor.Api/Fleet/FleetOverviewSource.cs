using FleetMonitor.Storage;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Api.Fleet;

/// <summary>
/// Builds the fleet overview for every reader (overview, breakdown, metrics), sharing builds between concurrent
/// readers without ever handing one an overview read before it asked: a reader that comes while a build is running
/// waits for the next build, which starts when that one ends and serves everyone who came meanwhile. Fifty open
/// dashboards reloading after the same change cost two builds, not fifty.
/// </summary>
public sealed class FleetOverviewSource(
    SiteStore sites, AgentStore agents, StateStore states, TimeProvider timeProvider, IOptions<FleetOptions> options, IHostApplicationLifetime lifetime)
{
    private readonly Lock _gate = new();
    private Task<FleetOverview>? _running;
    private TaskCompletionSource<FleetOverview>? _queued;

    /// <summary>How many builds ran; for tests.</summary>
    public int Builds => Volatile.Read(ref _builds);

    private int _builds;

    public Task<FleetOverview> GetAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_queued is not null)
            {
                return _queued.Task.WaitAsync(cancellationToken);
            }

            if (_running is { IsCompleted: false } running)
            {
                var queued = new TaskCompletionSource<FleetOverview>(TaskCreationOptions.RunContinuationsAsynchronously);
                _queued = queued;
                _ = BuildAfterAsync(running, queued);
                return queued.Task.WaitAsync(cancellationToken);
            }

            _running = BuildAsync();
            return _running.WaitAsync(cancellationToken);
        }
    }

    private async Task BuildAfterAsync(Task previous, TaskCompletionSource<FleetOverview> queued)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Task<FleetOverview> build;
        lock (_gate)
        {
            _queued = null;
            _running = build = BuildAsync();
        }

        try
        {
            queued.SetResult(await build);
        }
        catch (Exception e)
        {
            queued.SetException(e);
        }
    }

    // Shared by several requests, so no one request's cancellation stops it; the host's stopping does.
    private async Task<FleetOverview> BuildAsync()
    {
        await Task.Yield();
        Interlocked.Increment(ref _builds);
        var cancellationToken = lifetime.ApplicationStopping;
        var siteRows = await sites.ListAsync(cancellationToken);
        var agentRows = await agents.ListAsync(null, cancellationToken);
        var stateRows = await states.ListNotOkAsync(cancellationToken);
        return FleetOverviewBuilder.Build(siteRows, agentRows, stateRows, timeProvider.GetUtcNow(), options.Value.OfflineAfter);
    }
}
