using FleetMonitor.Storage;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Api.Fleet;

/// <summary>
/// The fleet's version (<see cref="FleetVersionStore"/>) shared by every open live stream: read from the database at
/// most once per half <see cref="FleetOptions.LiveCheckInterval"/>, however many dashboards are open, and by one read
/// at a time: streams that find it stale while a read runs wait for that read instead of starting their own. The quiet
/// agents it watches are those past the shortest offline threshold of any site, as the fleet view reads them.
/// </summary>
public sealed class FleetVersionCache
{
    private readonly Func<CancellationToken, Task<string>> _read;
    private readonly TimeProvider _timeProvider;
    private readonly IOptions<FleetOptions> _options;
    private readonly CancellationToken _stopping;
    private readonly Lock _gate = new();
    private Entry? _last;
    private Task<Entry>? _reading;
    private int _reads;

    public FleetVersionCache(
        FleetVersionStore versions, SiteOfflineSettings offlineSettings, TimeProvider timeProvider, IOptions<FleetOptions> options,
        IHostApplicationLifetime lifetime)
        : this(cancellationToken => ReadAsync(versions, offlineSettings, timeProvider, cancellationToken), timeProvider, options, lifetime.ApplicationStopping)
    {
    }

    /// <summary>With <paramref name="read"/> reading each version; the host's <paramref name="stopping"/> is the only token it gets.</summary>
    internal FleetVersionCache(Func<CancellationToken, Task<string>> read, TimeProvider timeProvider, IOptions<FleetOptions> options, CancellationToken stopping)
    {
        _read = read;
        _timeProvider = timeProvider;
        _options = options;
        _stopping = stopping;
    }

    /// <summary>How many reads of the database were made; for tests.</summary>
    public int Reads => Volatile.Read(ref _reads);

    public Task<string> GetAsync(CancellationToken cancellationToken)
    {
        Task<Entry> reading;
        lock (_gate)
        {
            if (_last is { } last && _timeProvider.GetElapsedTime(last.ReadAt) < _options.Value.LiveCheckInterval / 2)
            {
                return Task.FromResult(last.Version);
            }

            // The read is the host's, not one stream's: a dashboard closing must not fail the others waiting on it.
            _reading = _reading is { IsCompleted: false } running ? running : ReadAndKeepAsync();
            reading = _reading;
        }

        return VersionOf(reading, cancellationToken);
    }

    private static async Task<string> VersionOf(Task<Entry> reading, CancellationToken cancellationToken) =>
        (await reading.WaitAsync(cancellationToken)).Version;

    private async Task<Entry> ReadAndKeepAsync()
    {
        await Task.Yield();
        Interlocked.Increment(ref _reads);
        var readAt = _timeProvider.GetTimestamp();
        var entry = new Entry(await _read(_stopping), readAt);
        lock (_gate)
        {
            _last = entry;
        }

        return entry;
    }

    /// <summary>The version, watching the agents quiet for longer than the shortest offline threshold of any site.</summary>
    private static async Task<string> ReadAsync(
        FleetVersionStore versions, SiteOfflineSettings offlineSettings, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var thresholds = await offlineSettings.GetAsync(cancellationToken);
        DateTimeOffset? quietBefore = thresholds.Shortest is { } shortest ? timeProvider.GetUtcNow() - shortest : null;
        return await versions.GetAsync(quietBefore, cancellationToken);
    }

    private sealed record Entry(string Version, long ReadAt);
}
