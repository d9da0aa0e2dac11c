using FleetMonitor.Api.Fleet;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FleetMonitor.Api.Tests.Fleet;

/// <summary>
/// Every open live stream asks the cache; the database is read once per half check interval, and by one read at a
/// time: streams arriving while a read runs share it.
/// </summary>
public sealed class FleetVersionCacheTests
{
    [Fact]
    public async Task Streams_that_find_the_version_stale_share_one_read()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        var calls = 0;
        var firstCall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var cache = new FleetVersionCache(
            _ => { Interlocked.Increment(ref calls); firstCall.TrySetResult(); return release.Task; },
            time, Options.Create(new FleetOptions { LiveCheckInterval = TimeSpan.FromSeconds(2) }), CancellationToken.None);

        // Fifty streams at once while the first read has not answered.
        var waiting = Enumerable.Range(0, 50).Select(_ => cache.GetAsync(CancellationToken.None)).ToList();
        await firstCall.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1, Volatile.Read(ref calls));
        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        release.SetResult("v1");
        Assert.All(await Task.WhenAll(waiting), v => Assert.Equal("v1", v));
        Assert.Equal(1, cache.Reads);

        // Within half the check interval: kept; past it, read again.
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal("v1", await cache.GetAsync(CancellationToken.None));
        Assert.Equal(1, cache.Reads);
        release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        release.SetResult("v2");
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("v2", await cache.GetAsync(CancellationToken.None));
        Assert.Equal(2, cache.Reads);
        Assert.Equal(2, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task A_stream_that_closes_while_waiting_does_not_fail_the_read_of_the_others()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var cache = new FleetVersionCache(_ => release.Task, time, Options.Create(new FleetOptions()), CancellationToken.None);

        using var closing = new CancellationTokenSource();
        var closed = cache.GetAsync(closing.Token);
        var staying = cache.GetAsync(CancellationToken.None);
        await closing.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => closed);
        release.SetResult("v1");
        Assert.Equal("v1", await staying);
    }
}
