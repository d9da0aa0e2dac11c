using FleetMonitor.Api.Fleet;

namespace FleetMonitor.Api.Tests.Fleet;

/// <summary>
/// Concurrent readers share builds: with the first build held until every other reader is waiting, twenty readers cost
/// two builds — the one running when they came, and one after it for all of them. No timing: gates and counts only.
/// </summary>
public sealed class FleetOverviewSourceTests
{
    private const int Readers = 20;

    [Fact]
    public async Task Readers_who_come_while_a_build_runs_share_the_next_build()
    {
        var gates = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var overviews = Enumerable.Range(0, 3).Select(i => new FleetOverview(DateTimeOffset.UnixEpoch.AddMinutes(i), [], new Dictionary<string, AgentOverview>(), [])).ToArray();
        var started = 0;
        var source = new FleetOverviewSource(
            async _ =>
            {
                var build = Interlocked.Increment(ref started) - 1;
                await gates[build].Task;
                return overviews[build];
            },
            CancellationToken.None);

        var first = source.GetAsync(CancellationToken.None);
        await WaitUntilAsync(() => Volatile.Read(ref started) == 1, "the first build to start");

        // The others come at once, from other threads, while the first build is held.
        var readers = await Task.WhenAll(Enumerable.Range(0, Readers - 1).Select(_ =>
            Task.Factory.StartNew(() => source.GetAsync(CancellationToken.None), CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default)));
        Assert.Equal(Readers - 1, source.Waiting);
        Assert.Equal(1, source.Builds);
        Assert.All(readers, r => Assert.False(r.IsCompleted));

        gates[0].SetResult();
        Assert.Same(overviews[0], await first);
        await WaitUntilAsync(() => source.Builds == 2, "the shared second build to start");
        Assert.All(readers, r => Assert.False(r.IsCompleted));

        // One who comes while the shared build runs did not ask before it started: it waits for a third.
        var late = source.GetAsync(CancellationToken.None);
        gates[1].SetResult();
        Assert.All(await Task.WhenAll(readers), o => Assert.Same(overviews[1], o));
        gates[2].SetResult();
        Assert.Same(overviews[2], await late);
        Assert.Equal(3, source.Builds);
        Assert.Equal(3, Volatile.Read(ref started));
    }

    [Fact]
    public async Task A_failed_build_fails_its_readers_and_the_next_reader_builds_again()
    {
        var calls = 0;
        var overview = new FleetOverview(DateTimeOffset.UnixEpoch, [], new Dictionary<string, AgentOverview>(), []);
        var source = new FleetOverviewSource(
            _ => Interlocked.Increment(ref calls) == 1 ? Task.FromException<FleetOverview>(new InvalidOperationException("database down")) : Task.FromResult(overview),
            CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => source.GetAsync(CancellationToken.None));
        Assert.Same(overview, await source.GetAsync(CancellationToken.None));
        Assert.Equal(2, source.Builds);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        // A condition, not a delay: a generous bound for a loaded machine.
        for (var i = 0; i < 6000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), what);
    }
}
