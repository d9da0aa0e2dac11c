using FleetMonitor.Alerting.Silences;
using FleetMonitor.Storage;

namespace FleetMonitor.Alerting.Tests.Evaluation;

/// <summary>When a silence applies: one-off bounds, a recurring Quartz cron window, expiry, and what it matches.</summary>
public sealed class SilenceScheduleTests
{
    private static readonly DateTimeOffset Sunday = new(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1, 59, false)] // before the first firing
    [InlineData(2, 0, true)]
    [InlineData(3, 59, true)]
    [InlineData(4, 0, false)] // two hours after 02:00
    [InlineData(26, 30, false)] // Monday 02:30: the cron fires on Sundays only
    [InlineData(7 * 24 + 2, 30, true)] // the next Sunday
    public void A_recurring_silence_applies_for_its_duration_after_each_firing(int hours, int minutes, bool active)
    {
        var silence = Silence(cron: "0 0 2 ? * SUN", durationSeconds: 2 * 3600, startsAt: Sunday.AddDays(-1));
        Assert.Equal(active, SilenceSchedule.IsActive(silence, Sunday.AddHours(hours).AddMinutes(minutes)));
    }

    [Fact]
    public void A_recurring_silence_keeps_to_its_bounds_and_an_expired_one_applies_never()
    {
        var bounded = Silence(cron: "0 0 2 ? * SUN", durationSeconds: 7200, startsAt: Sunday, endsAt: Sunday.AddDays(3));
        Assert.True(SilenceSchedule.IsActive(bounded, Sunday.AddHours(2.5)));
        Assert.False(SilenceSchedule.IsActive(bounded, Sunday.AddDays(7).AddHours(2.5)));
        var madeMidWindow = Silence(cron: "0 0 2 ? * SUN", durationSeconds: 7200, startsAt: Sunday.AddHours(2.5));
        Assert.True(SilenceSchedule.IsActive(madeMidWindow, Sunday.AddHours(2.75)));
        Assert.False(SilenceSchedule.IsActive(madeMidWindow, Sunday.AddHours(2.25)));
        var oneOff = Silence(startsAt: Sunday, endsAt: Sunday.AddHours(1));
        Assert.True(SilenceSchedule.IsActive(oneOff, Sunday.AddMinutes(59)));
        Assert.False(SilenceSchedule.IsActive(oneOff, Sunday.AddHours(1)));
        Assert.False(SilenceSchedule.IsActive(oneOff, Sunday.AddSeconds(-1)));
        Assert.False(SilenceSchedule.IsActive(Silence(startsAt: Sunday, endsAt: Sunday.AddHours(1), expiredAt: Sunday.AddMinutes(5)), Sunday.AddMinutes(10)));
    }

    [Fact]
    public void Every_field_a_silence_sets_must_match()
    {
        var alert = new AlertRow
        {
            Id = Guid.NewGuid(), Fingerprint = "f", Alertname = "FleetMonitorRegression", SiteId = "site-a", AgentId = "agent-1", ProbeId = "pbx",
            RuleId = "tcp-path", Cause = "tcp-path", Class = "broken", Severity = "critical", State = "firing", Summary = "s", Description = "d",
            StartedAt = Sunday, UpdatedAt = Sunday, LastNotifiedAt = Sunday,
        };
        Assert.True(SilenceSchedule.Matches(Silence(siteId: "site-a", cause: "tcp-path"), alert));
        Assert.False(SilenceSchedule.Matches(Silence(siteId: "site-a", cause: "sip-alg"), alert));
        Assert.False(SilenceSchedule.Matches(Silence(siteId: "site-b"), alert));
        Assert.True(SilenceSchedule.Matches(Silence(alertClass: "broken"), alert));
    }

    [Theory]
    [InlineData("0 0 2 ? * SUN", true)]
    [InlineData("0 0 2 * * SUN", false)] // day-of-month and day-of-week both set
    [InlineData("every night", false)]
    public void A_cron_is_checked_as_quartz_parses_it(string cron, bool valid) =>
        Assert.Equal(valid, SilenceSchedule.CronError(cron) is null);

    private static SilenceRow Silence(
        string? cron = null, int? durationSeconds = null, DateTimeOffset? startsAt = null, DateTimeOffset? endsAt = null, DateTimeOffset? expiredAt = null,
        string? siteId = null, string? cause = null, string? alertClass = null) => new()
    {
        Id = Guid.NewGuid(), SiteId = siteId, Cause = cause, Class = alertClass, StartsAt = startsAt ?? Sunday, EndsAt = endsAt,
        Cron = cron, DurationSeconds = durationSeconds, ExpiredAt = expiredAt, Comment = "c", CreatedBy = "u", CreatedAt = Sunday,
    };
}
