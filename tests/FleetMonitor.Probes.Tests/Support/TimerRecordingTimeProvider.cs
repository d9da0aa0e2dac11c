using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace FleetMonitor.Probes.Tests.Support;

/// <summary>
/// A fake clock that reports the due time of every timer made on it that <paramref name="recorded"/> selects, so that a
/// test waits until the code under test armed its next timer (and sees how long it armed it for) instead of sleeping.
/// </summary>
internal sealed class TimerRecordingTimeProvider(Func<TimeSpan, bool> recorded) : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Armed on the fake clock first: once a test hears of it, advancing the clock can fire it.
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (recorded(dueTime))
        {
            _timers.Writer.TryWrite(dueTime);
        }

        return timer;
    }

    /// <summary>The due time of the next selected timer made (waited for up to a minute of real time).</summary>
    public async Task<TimeSpan> NextTimerAsync()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        return await _timers.Reader.ReadAsync(bound.Token);
    }
}
