namespace FleetMonitor.Reflector.Exposure;

/// <summary>
/// A token bucket per agent user name, for the scans one agent may ask for. Only authenticated names reach it, so it
/// holds at most one bucket per configured credential and needs no eviction (the per-address limit is the echo's
/// <see cref="Echo.SourceRateLimiter"/>).
/// </summary>
internal sealed class AgentScanLimiter(TimeProvider timeProvider, double scansPerSecond, int burst)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (double Tokens, long Updated)> _buckets = new(StringComparer.Ordinal);

    /// <summary>True and one token taken when <paramref name="username"/> may scan now; otherwise false and how long until it may.</summary>
    public bool TryAcquire(string username, out TimeSpan retryAfter)
    {
        var now = timeProvider.GetTimestamp();
        lock (_lock)
        {
            var (tokens, updated) = _buckets.TryGetValue(username, out var bucket) ? bucket : (burst, now);
            tokens = Math.Min(burst, tokens + (timeProvider.GetElapsedTime(updated, now).TotalSeconds * scansPerSecond));
            if (tokens < 1)
            {
                _buckets[username] = (tokens, now);
                retryAfter = TimeSpan.FromSeconds((1 - tokens) / scansPerSecond);
                return false;
            }

            _buckets[username] = (tokens - 1, now);
            retryAfter = TimeSpan.Zero;
            return true;
        }
    }
}
