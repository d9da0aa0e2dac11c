using FleetMonitor.Probes.Media;

namespace FleetMonitor.Probes.Tests.Media;

public sealed class JitterEstimatorTests
{
    [Fact]
    public void Constant_transit_time_has_no_jitter()
    {
        var jitter = new JitterEstimator();
        for (var i = 0; i < 50; i++)
            jitter.Add(i * 20, (i * 20) + 37.5);

        Assert.Equal(0, jitter.JitterMs);
        Assert.Equal(50, jitter.Count);
    }

    [Fact]
    public void One_packet_has_no_jitter()
    {
        var jitter = new JitterEstimator();
        jitter.Add(0, 100);

        Assert.Equal(0, jitter.JitterMs);
    }

    [Fact]
    public void Follows_the_RFC_3550_filter_step_by_step()
    {
        var jitter = new JitterEstimator();
        jitter.Add(0, 100);
        jitter.Add(20, 125); // D = 25 - 20 = 5: J = 5 / 16
        Assert.Equal(0.3125, jitter.JitterMs, 12);

        jitter.Add(40, 140); // D = 15 - 20 = -5: J += (5 - J) / 16
        Assert.Equal(0.3125 + ((5 - 0.3125) / 16), jitter.JitterMs, 12);
    }

    [Fact]
    public void Only_differences_count_so_the_two_clocks_may_differ()
    {
        var a = new JitterEstimator();
        var b = new JitterEstimator();
        double[] transit = [10, 14, 9, 30, 12, 11];
        for (var i = 0; i < transit.Length; i++)
        {
            a.Add(i * 20, (i * 20) + transit[i]);
            b.Add((i * 20) + 1e6, (i * 20) + transit[i] - 5e5);
        }

        Assert.Equal(a.JitterMs, b.JitterMs, 9);
    }

    [Fact]
    public void Converges_to_the_mean_absolute_transit_difference()
    {
        // Transit alternating 10 / 14 ms: |D| is always 4 ms, and J -> 4 as 4 (1 - (15/16)^n).
        var jitter = new JitterEstimator();
        for (var i = 0; i < 400; i++)
            jitter.Add(i * 20, (i * 20) + (i % 2 == 0 ? 10 : 14));

        Assert.Equal(4 * (1 - Math.Pow(15.0 / 16, 399)), jitter.JitterMs, 9);
        Assert.Equal(4, jitter.JitterMs, 6);
    }
}
