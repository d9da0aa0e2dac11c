namespace FleetMonitor.Probes.Media;

/// <summary>
/// The RFC 3550 (section 6.4.1) interarrival jitter estimate: for packets in arrival order,
/// D(i-1, i) = (Ri - Ri-1) - (Si - Si-1) and J += (|D| - J) / 16.
/// </summary>
/// <remarks>
/// Times are in milliseconds rather than RTP timestamp units, and the estimate is kept as a double rather than the
/// RFC's scaled integer; the filter is the same. S and R may come from different clocks: only their differences count.
/// </remarks>
internal sealed class JitterEstimator
{
    private double _previousSentMs;
    private double _previousReceivedMs;
    private bool _hasPrevious;

    /// <summary>The current estimate in milliseconds (0 until two packets have arrived).</summary>
    public double JitterMs { get; private set; }

    /// <summary>Packets seen so far.</summary>
    public int Count { get; private set; }

    /// <summary>Adds the packet that arrived next: when it was sent (S) and when it arrived (R).</summary>
    public void Add(double sentMs, double receivedMs)
    {
        if (_hasPrevious)
        {
            var d = (receivedMs - _previousReceivedMs) - (sentMs - _previousSentMs);
            JitterMs += (Math.Abs(d) - JitterMs) / 16;
        }

        _previousSentMs = sentMs;
        _previousReceivedMs = receivedMs;
        _hasPrevious = true;
        Count++;
    }
}
