using FleetMonitor.Storage;
using Quartz;

namespace FleetMonitor.Alerting.Silences;

/// <summary>Whether a silence applies to an alert, and when: the pure rules shared by the dispatcher, the refresher and the Api.</summary>
public static class SilenceSchedule
{
    /// <summary>True when every field the silence sets equals the alert's (a silence sets at least one).</summary>
    public static bool Matches(SilenceRow silence, AlertRow alert) =>
        Same(silence.SiteId, alert.SiteId) && Same(silence.AgentId, alert.AgentId) && Same(silence.ProbeId, alert.ProbeId)
        && Same(silence.Class, alert.Class) && Same(silence.Cause, alert.Cause);

    /// <summary>
    /// True when the silence applies at <paramref name="now"/>: not expired, inside [starts_at, ends_at), and, for a
    /// recurring silence, within <c>duration_seconds</c> after a time its cron fired (cron times are UTC).
    /// </summary>
    public static bool IsActive(SilenceRow silence, DateTimeOffset now)
    {
        if (silence.ExpiredAt is not null || now < silence.StartsAt || (silence.EndsAt is { } end && now >= end))
        {
            return false;
        }

        if (silence.Cron is null)
        {
            return true;
        }

        // The first firing after (now - duration), if it is not in the future, opened a window that still lasts (a
        // window that opened before startsAt counts from startsAt on: "nightly 02:00 for 2 h" made at 02:30 applies).
        var fired = Parse(silence.Cron).GetNextValidTimeAfter(now - TimeSpan.FromSeconds(silence.DurationSeconds ?? 0));
        return fired is { } at && at <= now;
    }

    /// <summary>The first live silence that matches the alert and applies now, if any.</summary>
    public static SilenceRow? Find(IEnumerable<SilenceRow> silences, AlertRow alert, DateTimeOffset now) =>
        silences.FirstOrDefault(s => Matches(s, alert) && IsActive(s, now));

    /// <summary>Why <paramref name="cron"/> is not a Quartz cron expression, or null when it is.</summary>
    public static string? CronError(string cron)
    {
        try
        {
            _ = Parse(cron);
            return null;
        }
        catch (FormatException e)
        {
            return $"Not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week [year]): {e.Message}";
        }
    }

    private static CronExpression Parse(string cron) => new(cron) { TimeZone = TimeZoneInfo.Utc };

    private static bool Same(string? wanted, string actual) => wanted is null || string.Equals(wanted, actual, StringComparison.Ordinal);
}
