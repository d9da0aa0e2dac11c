using FleetMonitor.Reflector.Exposure;
using Microsoft.Extensions.Time.Testing;

namespace FleetMonitor.Reflector.Tests.Exposure;

/// <summary>The scanner's pure pieces: which RTP ports a scan samples, the replay cache, the per-agent limit.</summary>
public sealed class ScanLimitsTests
{
    [Theory]
    [InlineData(10000, 20000, 4, new[] { 10000, 13333, 16667, 20000 })]
    [InlineData(16384, 32767, 1, new[] { 16384 })]
    [InlineData(5000, 5002, 8, new[] { 5000, 5001, 5002 })]
    [InlineData(7000, 7000, 3, new[] { 7000 })]
    public void RTP_sample_spreads_evenly_and_repeats_no_port(int first, int last, int count, int[] expected)
    {
        Assert.Equal(expected, RtpSample.Ports(first, last, count));
    }

    [Theory]
    [InlineData("10000-20000", true)]
    [InlineData("20000-10000", false)]
    [InlineData("0-100", false)]
    [InlineData("1-65536", false)]
    [InlineData("+1-2", false)]
    [InlineData("10000", false)]
    public void RTP_range_must_be_two_ports_in_order(string text, bool valid)
    {
        Assert.Equal(valid, RtpSample.TryParseRange(text, out _, out _));
    }

    [Fact]
    public void A_nonce_is_refused_while_a_request_carrying_it_could_pass_and_forgotten_after()
    {
        var time = new FakeTimeProvider();
        var cache = new NonceCache(time, TimeSpan.FromSeconds(120), capacity: 10);

        Assert.Equal(NonceResult.Recorded, cache.TryRecord("agent-1", "n1"));
        Assert.Equal(NonceResult.Recorded, cache.TryRecord("agent-2", "n1"));
        time.Advance(TimeSpan.FromSeconds(119));
        Assert.Equal(NonceResult.Replayed, cache.TryRecord("agent-1", "n1"));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(NonceResult.Recorded, cache.TryRecord("agent-1", "n1"));
    }

    [Fact]
    public void A_full_nonce_cache_refuses_new_nonces_until_old_ones_expire()
    {
        var time = new FakeTimeProvider();
        var cache = new NonceCache(time, TimeSpan.FromSeconds(10), capacity: 2);

        Assert.Equal(NonceResult.Recorded, cache.TryRecord("a", "1"));
        Assert.Equal(NonceResult.Recorded, cache.TryRecord("a", "2"));
        Assert.Equal(NonceResult.Full, cache.TryRecord("a", "3"));
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(NonceResult.Recorded, cache.TryRecord("a", "3"));
    }

    [Fact]
    public void Each_agent_has_its_own_burst_and_refill()
    {
        var time = new FakeTimeProvider();
        var limiter = new AgentScanLimiter(time, scansPerSecond: 1.0 / 600, burst: 2);

        Assert.True(limiter.TryAcquire("a", out _));
        Assert.True(limiter.TryAcquire("a", out _));
        Assert.False(limiter.TryAcquire("a", out var wait));
        Assert.Equal(600, wait.TotalSeconds, 3);
        Assert.True(limiter.TryAcquire("b", out _));
        time.Advance(TimeSpan.FromSeconds(600));
        Assert.True(limiter.TryAcquire("a", out _));
        Assert.False(limiter.TryAcquire("a", out _));
    }
}
