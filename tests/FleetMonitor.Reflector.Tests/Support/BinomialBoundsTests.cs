namespace FleetMonitor.Reflector.Tests.Support;

public sealed class BinomialBoundsTests
{
    [Theory]
    [InlineData(1000, 0.05, 20, 87)]
    [InlineData(1000, 0.20, 141, 264)]
    public void Intervals_used_by_the_loss_test(int n, double p, int low, int high)
    {
        Assert.Equal((low, high), BinomialBounds.Interval(n, p, 5e-7));
    }

    [Fact]
    public void Tails_hold_at_most_the_asked_probability_and_one_more_step_would_not()
    {
        const int n = 200;
        const double p = 0.3;
        const double tail = 1e-3;
        var pmf = Enumerable.Range(0, n + 1).Select(k => Pmf(n, p, k)).ToArray();

        var (low, high) = BinomialBounds.Interval(n, p, tail);

        Assert.True(pmf[..low].Sum() <= tail);
        Assert.True(pmf[..(low + 1)].Sum() > tail);
        Assert.True(pmf[(high + 1)..].Sum() <= tail);
        Assert.True(pmf[high..].Sum() > tail);
    }

    [Fact]
    public void Certain_outcomes()
    {
        Assert.Equal((0, 0), BinomialBounds.Interval(1000, 0, 1e-6));
        Assert.Equal((1000, 1000), BinomialBounds.Interval(1000, 1, 1e-6));
    }

    // Independent of BinomialBounds' recurrence: log C(n, k) summed term by term.
    private static double Pmf(int n, double p, int k)
    {
        var logChoose = 0.0;
        for (var i = 1; i <= k; i++)
            logChoose += Math.Log(n - k + i) - Math.Log(i);
        return Math.Exp(logChoose + (k * Math.Log(p)) + ((n - k) * Math.Log(1 - p)));
    }
}
