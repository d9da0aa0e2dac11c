namespace FleetMonitor.Reflector.Exposure;

/// <summary>
/// The nonces of authenticated requests, each kept for as long as a request carrying it could still pass the timestamp
/// check, so that a captured request cannot be sent again. Bounded: when full of live nonces it refuses new ones.
/// </summary>
internal sealed class NonceCache(TimeProvider timeProvider, TimeSpan lifetime, int capacity)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _added = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, long Added)> _order = new();

    /// <summary>Records <paramref name="nonce"/> of <paramref name="username"/>.</summary>
    public NonceResult TryRecord(string username, string nonce)
    {
        var key = $"{username}\n{nonce}";
        var now = timeProvider.GetTimestamp();
        lock (_lock)
        {
            // Entries expire in the order they were added (one lifetime for all), so the queue's head is the oldest.
            while (_order.TryPeek(out var oldest) && Expired(oldest.Added, now))
            {
                _order.Dequeue();
                if (_added.TryGetValue(oldest.Key, out var added) && added == oldest.Added)
                    _added.Remove(oldest.Key);
            }

            if (_added.ContainsKey(key))
                return NonceResult.Replayed;
            if (_added.Count >= capacity)
                return NonceResult.Full;
            _added[key] = now;
            _order.Enqueue((key, now));
            return NonceResult.Recorded;
        }
    }

    private bool Expired(long added, long now) => timeProvider.GetElapsedTime(added, now) > lifetime;
}
