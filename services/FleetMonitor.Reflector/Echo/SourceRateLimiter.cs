using System.Net;
using System.Net.Sockets;

namespace FleetMonitor.Reflector.Echo;

/// <summary>
/// A token bucket per source address, so that the echo cannot be turned into a flood towards one victim whose
/// address an attacker spoofs. IPv6 sources share one bucket per /64 (one home network); IPv4-mapped addresses count as
/// IPv4. Memory is bounded by <c>maxSources</c>: buckets that have refilled are forgotten.
/// </summary>
internal sealed class SourceRateLimiter(TimeProvider timeProvider, double packetsPerSecond, int burst, int maxSources)
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FullSweepInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, Bucket> _buckets = [];
    private long _lastSweep = timeProvider.GetTimestamp();

    /// <summary>Sources tracked now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
                return _buckets.Count;
        }
    }

    public RateDecision TryAcquire(IPAddress source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var key = KeyOf(source);
        var now = timeProvider.GetTimestamp();
        lock (_lock)
        {
            var sinceSweep = timeProvider.GetElapsedTime(_lastSweep, now);
            if (sinceSweep >= SweepInterval || (_buckets.Count >= maxSources && sinceSweep >= FullSweepInterval))
                Sweep(now);

            if (!_buckets.TryGetValue(key, out var bucket))
            {
                if (_buckets.Count >= maxSources)
                    return RateDecision.TooManySources;
                bucket = new Bucket { Tokens = burst, Updated = now };
                _buckets[key] = bucket;
            }

            bucket.Tokens = Refilled(bucket, now);
            bucket.Updated = now;
            if (bucket.Tokens < 1)
                return RateDecision.RateLimited;
            bucket.Tokens -= 1;
            return RateDecision.Allowed;
        }
    }

    /// <summary>The address a bucket belongs to: the IPv4 address, or the /64 of an IPv6 one.</summary>
    internal static IPAddress KeyOf(IPAddress source)
    {
        if (source.IsIPv4MappedToIPv6)
            return source.MapToIPv4();
        if (source.AddressFamily != AddressFamily.InterNetworkV6)
            return source;
        var bytes = source.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }

    private double Refilled(Bucket bucket, long now) =>
        Math.Min(burst, bucket.Tokens + (timeProvider.GetElapsedTime(bucket.Updated, now).TotalSeconds * packetsPerSecond));

    private void Sweep(long now)
    {
        foreach (var (key, bucket) in _buckets)
        {
            // A full bucket holds nothing a new one would not: forgetting it changes no decision.
            if (Refilled(bucket, now) >= burst)
                _buckets.Remove(key);
        }

        _lastSweep = now;
    }

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public long Updated { get; set; }
    }
}
