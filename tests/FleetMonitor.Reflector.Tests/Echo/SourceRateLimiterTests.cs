using System.Net;
using FleetMonitor.Reflector.Echo;
using Microsoft.Extensions.Time.Testing;

namespace FleetMonitor.Reflector.Tests.Echo;

public sealed class SourceRateLimiterTests
{
    private static readonly IPAddress Source = IPAddress.Parse("198.51.100.7");

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Allows_the_burst_then_limits()
    {
        var limiter = new SourceRateLimiter(_time, packetsPerSecond: 50, burst: 10, maxSources: 100);

        var decisions = Enumerable.Range(0, 12).Select(_ => limiter.TryAcquire(Source)).ToArray();

        Assert.All(decisions[..10], d => Assert.Equal(RateDecision.Allowed, d));
        Assert.All(decisions[10..], d => Assert.Equal(RateDecision.RateLimited, d));
    }

    [Fact]
    public void Refills_at_the_rate()
    {
        var limiter = new SourceRateLimiter(_time, packetsPerSecond: 50, burst: 10, maxSources: 100);
        for (var i = 0; i < 10; i++)
            limiter.TryAcquire(Source);

        _time.Advance(TimeSpan.FromMilliseconds(100)); // 5 tokens

        var allowed = Enumerable.Range(0, 10).Count(_ => limiter.TryAcquire(Source) == RateDecision.Allowed);
        Assert.Equal(5, allowed);
    }

    [Fact]
    public void Never_holds_more_than_the_burst()
    {
        var limiter = new SourceRateLimiter(_time, packetsPerSecond: 50, burst: 10, maxSources: 100);
        limiter.TryAcquire(Source);

        _time.Advance(TimeSpan.FromHours(1));

        var allowed = Enumerable.Range(0, 20).Count(_ => limiter.TryAcquire(Source) == RateDecision.Allowed);
        Assert.Equal(10, allowed);
    }

    [Fact]
    public void Sources_have_their_own_buckets()
    {
        var limiter = new SourceRateLimiter(_time, packetsPerSecond: 1, burst: 1, maxSources: 100);

        Assert.Equal(RateDecision.Allowed, limiter.TryAcquire(Source));
        Assert.Equal(RateDecision.RateLimited, limiter.TryAcquire(Source));
        Assert.Equal(RateDecision.Allowed, limiter.TryAcquire(IPAddress.Parse("198.51.100.8")));
    }

    [Fact]
    public void An_IPv6_64_is_one_source_and_an_IPv4_mapped_address_is_its_IPv4_address()
    {
        var limiter = new SourceRateLimiter(_time, packetsPerSecond: 1, burst: 1, maxSources: 100);

        Assert.Equal(RateDecision.Allowed, limiter.TryAcquire(IPAddress.Parse("2001:db8:1:2::1")));
        Assert.Equal(RateDecision.RateLimited, limiter.TryAcquire(IPAddress.Parse("2001:db8:1:2:ffff::9")));
        Assert.Equal(RateDecision.Allowed, limiter.TryAcquire(IPAddress.Parse("2001:db8:1:3::1")));

        Assert.Equal(RateDecision.Allowed, limiter.TryAcquire(Source));
        Assert.Equal(RateDecision.RateLimited, limiter.TryAcquire(Source.MapToIPv6()));
    }

    [Fact]
    public void Tracks_at_most_max_sources_and_forgets_idle_ones()
    {
        var limiter = new SourceRateLimiter(_time, packetsPerSecond: 10, burst: 5, maxSources: 3);
        for (var i = 1; i <= 3; i++)
            Assert.Equal(RateDecision.Allowed, limiter.TryAcquire(IPAddress.Parse($"198.51.100.{i}")));

        Assert.Equal(RateDecision.TooManySources, limiter.TryAcquire(IPAddress.Parse("198.51.100.4")));
        Assert.Equal(3, limiter.Count);

        // After a second the three buckets have refilled (0.1 s would do) and may be forgotten.
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(RateDecision.Allowed, limiter.TryAcquire(IPAddress.Parse("198.51.100.4")));
        Assert.Equal(1, limiter.Count);
    }

    [Fact]
    public void A_busy_source_is_not_forgotten()
    {
        var limiter = new SourceRateLimiter(_time, packetsPerSecond: 1, burst: 5, maxSources: 1);
        for (var i = 0; i < 5; i++)
            limiter.TryAcquire(Source);

        _time.Advance(TimeSpan.FromSeconds(2)); // two tokens back of five: still in use

        Assert.Equal(RateDecision.TooManySources, limiter.TryAcquire(IPAddress.Parse("198.51.100.9")));
        Assert.Equal(RateDecision.Allowed, limiter.TryAcquire(Source));
    }
}
