namespace FleetMonitor.Api.Fleet;

/// <summary>
/// Builds the fleet overview for every reader (overview, breakdown, metrics), sharing builds between concurrent
/// readers without ever handing one an overview read before it asked: a reader that comes while a build is running
/// waits for the next build, which starts when that one ends and serves everyone who came meanwhile. Fifty open
/// dashboards reloading after the same change cost two builds, not fifty.
/// </summary>
public sealed class FleetOverviewSource
{
    private readonly Func<CancellationToken, Task<FleetOverview>> _build;
    private readonly CancellationToken _stopping;
    private readonly Lock _gate = new();
    private Task<FleetOverview>? _running;
    private TaskCompletionSource<FleetOverview>? _queued;
    private int _builds;
    private int _waiting;

    public FleetOverviewSource(FleetOverviewReader reader, IHostApplicationLifetime lifetime)
        : this(reader.ReadAsync, lifetime.ApplicationStopping)
    {
    }

    /// <summary>With <paramref name="build"/> making each overview; the host's <paramref name="stopping"/> is the only token it gets.</summary>
    internal FleetOverviewSource(Func<CancellationToken, Task<FleetOverview>> build, CancellationToken stopping)
    {
        _build = build;
        _stopping = stopping;
    }

    /// <summary>How many builds started; for tests.</summary>
    public int Builds => Volatile.Read(ref _builds);

    /// <summary>How many readers wait for the next build (the one that starts when the running one ends); for tests.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public Task<FleetOverview> GetAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_queued is not null)
            {
                _waiting++;
                return _queued.Task.WaitAsync(cancellationToken);
            }

            if (_running is { IsCompleted: false } running)
            {
                var queued = new TaskCompletionSource<FleetOverview>(TaskCreationOptions.RunContinuationsAsynchronously);
                _queued = queued;
                _waiting = 1;
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
            _waiting = 0;
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
        return await _build(_stopping);
    }
}
