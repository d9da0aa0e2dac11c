namespace FleetMonitor.Ingestion;

/// <summary>Lets one log line through per interval (an outage must not write a line per message).</summary>
internal sealed class LogThrottle(TimeProvider timeProvider, TimeSpan interval)
{
    private long _next;

    public bool ShouldLog()
    {
        var now = timeProvider.GetTimestamp();
        var next = Interlocked.Read(ref _next);
        return now >= next && Interlocked.CompareExchange(ref _next, now + (long)(interval.TotalSeconds * timeProvider.TimestampFrequency), next) == next;
    }
}
