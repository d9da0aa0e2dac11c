namespace FleetMonitor.Reflector.Tests.Support;

/// <summary>Exact binomial tail bounds, for asserting a count of independent random events.</summary>
internal static class BinomialBounds
{
    /// <summary>
    /// The interval [Low, High] that X ~ Binomial(<paramref name="n"/>, <paramref name="p"/>) falls outside with
    /// probability at most 2 x <paramref name="tail"/>: Low is the largest k with P(X &lt; k) &lt;= tail, High the
    /// smallest k with P(X &gt; k) &lt;= tail.
    /// </summary>
    public static (int Low, int High) Interval(int n, double p, double tail)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (p <= 0)
            return (0, 0);
        if (p >= 1)
            return (n, n);

        // pmf(k + 1) = pmf(k) (n - k) / (k + 1) p / (1 - p), from pmf(0) = (1 - p)^n; fine for the n of these tests.
        var pmf = new double[n + 1];
        pmf[0] = Math.Pow(1 - p, n);
        for (var k = 0; k < n; k++)
            pmf[k + 1] = pmf[k] * (n - k) / (k + 1) * p / (1 - p);

        var low = 0;
        var below = 0.0;
        while (low < n && below + pmf[low] <= tail)
            below += pmf[low++];

        var high = n;
        var above = 0.0;
        while (high > 0 && above + pmf[high] <= tail)
            above += pmf[high--];

        return (low, high);
    }
}
