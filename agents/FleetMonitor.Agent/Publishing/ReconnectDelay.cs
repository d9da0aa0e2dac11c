namespace FleetMonitor.Agent.Publishing;

/// <summary>
/// Exponential back-off with full jitter: the n-th wait is uniform in [min, min·2ⁿ] (capped), so that a fleet of
/// agents cut off by the same broker restart does not come back in the same second.
/// </summary>
public static class ReconnectDelay
{
    public static TimeSpan Next(int attempt, TimeSpan min, TimeSpan max, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var ceiling = min.Ticks * Math.Pow(2, Math.Min(attempt, 30));
        var upper = Math.Min(ceiling, max.Ticks);
        return TimeSpan.FromTicks(min.Ticks + (long)(random.NextDouble() * Math.Max(0, upper - min.Ticks)));
    }
}
