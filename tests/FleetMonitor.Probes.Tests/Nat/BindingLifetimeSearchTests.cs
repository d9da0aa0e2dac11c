using FleetMonitor.Probes.Nat;

namespace FleetMonitor.Probes.Tests.Nat;

public sealed class BindingLifetimeSearchTests
{
    [Fact]
    public void Default_window_tries_seven_waits_including_the_keepalive()
    {
        var waits = BindingLifetimeSearch.Waits(TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(30));

        Assert.Equal([7.5, 15, 30, 45, 60, 90, 120], waits.Select(w => w.TotalSeconds));
    }

    [Fact]
    public void A_keepalive_between_the_waits_is_tried_too_and_one_beyond_the_window_is_not()
    {
        Assert.Equal(
            [1.2, 2.5, 5, 7.5, 10, 15, 20],
            BindingLifetimeSearch.Waits(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30)).Select(w => w.TotalSeconds));
        Assert.Equal(
            [3.8, 7.5, 15, 22.5, 25, 30, 45, 60],
            BindingLifetimeSearch.Waits(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(25)).Select(w => w.TotalSeconds));
    }

    [Fact]
    public void A_window_too_short_to_measure_tries_nothing()
    {
        Assert.Empty(BindingLifetimeSearch.Waits(TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(30)));
        Assert.Equal([0.5], BindingLifetimeSearch.Waits(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30)).Select(w => w.TotalSeconds));
    }

    [Fact]
    public void The_result_is_the_last_survivor_and_the_first_expiry()
    {
        var lifetime = BindingLifetimeSearch.Interpret(TimeSpan.FromSeconds(20), Trials((1.2, true), (2.5, true), (5, true), (7.5, true), (10, false), (15, false), (20, false)));

        Assert.NotNull(lifetime);
        Assert.Equal(7.5, lifetime.AtLeast.TotalSeconds);
        Assert.Equal(10, lifetime.Below!.Value.TotalSeconds);
        Assert.True(lifetime.Consistent);
        Assert.True(lifetime.ShorterThan(TimeSpan.FromSeconds(30)));
        Assert.True(lifetime.ShorterThan(TimeSpan.FromSeconds(10)));
        Assert.False(lifetime.ShorterThan(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void A_binding_that_outlives_every_wait_has_only_a_lower_bound()
    {
        var lifetime = BindingLifetimeSearch.Interpret(TimeSpan.FromSeconds(20), Trials((5, true), (10, true), (20, true)));

        Assert.Equal(20, lifetime!.AtLeast.TotalSeconds);
        Assert.Null(lifetime.Below);
        Assert.Null(lifetime.ShorterThan(TimeSpan.FromSeconds(30)));
        Assert.False(lifetime.ShorterThan(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public void A_binding_gone_at_the_first_wait_lived_at_least_nothing()
    {
        var lifetime = BindingLifetimeSearch.Interpret(TimeSpan.FromSeconds(20), Trials((1.2, false), (2.5, false)));

        Assert.Equal(TimeSpan.Zero, lifetime!.AtLeast);
        Assert.Equal(1.2, lifetime.Below!.Value.TotalSeconds);
    }

    [Fact]
    public void Unknown_trials_are_left_out_and_a_survivor_after_an_expiry_is_inconsistent()
    {
        var lifetime = BindingLifetimeSearch.Interpret(TimeSpan.FromSeconds(20), Trials((2.5, true), (5, null), (7.5, false), (10, true)));

        Assert.Equal(2.5, lifetime!.AtLeast.TotalSeconds);
        Assert.Equal(7.5, lifetime.Below!.Value.TotalSeconds);
        Assert.False(lifetime.Consistent);
    }

    [Fact]
    public void Nothing_conclusive_is_no_result()
    {
        Assert.Null(BindingLifetimeSearch.Interpret(TimeSpan.FromSeconds(20), Trials((5, null), (10, null))));
    }

    [Theory]
    [InlineData(1.2, 500)]
    [InlineData(10, 500)]
    [InlineData(30, 1500)]
    [InlineData(120, 6000)]
    public void A_check_may_leave_half_a_second_or_five_percent_late(double wait, double lateness)
    {
        Assert.Equal(lateness, BindingLifetimeSearch.Lateness(TimeSpan.FromSeconds(wait)).TotalMilliseconds);
    }

    private static LifetimeTrial[] Trials(params (double Seconds, bool? Alive)[] trials) =>
        [.. trials.Select(t => new LifetimeTrial(TimeSpan.FromSeconds(t.Seconds), t.Alive))];
}
