using FleetMonitor.Alerting.Policies;
using FleetMonitor.Alerting.Silences;
using FleetMonitor.Api.Sites;

namespace FleetMonitor.Api.Silences;

/// <summary>Checks a new silence field by field; every error names its field.</summary>
internal static class SilenceRules
{
    public const int MaxTextLength = 200;

    public const int MaxCommentLength = 1000;

    /// <summary>A week: a maintenance window longer than that is a mistake or a permanent policy change.</summary>
    public const int MaxDurationMinutes = 7 * 24 * 60;

    public static void Check(CreateSilenceRequest body, DateTimeOffset now, RequestErrors errors)
    {
        if (body is { SiteId: null, AgentId: null, ProbeId: null, Class: null, Cause: null })
        {
            errors.Add("siteId", "A silence matches at least one of siteId, agentId, probeId, class, cause.");
        }

        if (body.SiteId is not null)
        {
            errors.AddIfNotNull("siteId", SiteRules.IdError(body.SiteId));
        }

        errors.AddIfNotNull("agentId", TextError(body.AgentId));
        errors.AddIfNotNull("probeId", TextError(body.ProbeId));
        errors.AddIfNotNull("cause", TextError(body.Cause));
        if (body.Class is not null && !AlertClasses.All.Contains(body.Class))
        {
            errors.Add("class", $"Must be one of {string.Join(", ", AlertClasses.All)}.");
        }

        if (string.IsNullOrWhiteSpace(body.Comment) || body.Comment.Length > MaxCommentLength)
        {
            errors.Add("comment", $"Why the silence is needed is required (1 to {MaxCommentLength} characters).");
        }

        var startsAt = body.StartsAt ?? now;
        if (body.EndsAt is { } endsAt && endsAt <= startsAt)
        {
            errors.Add("endsAt", "Must be later than startsAt.");
        }
        else if (body.EndsAt is { } ended && ended <= now)
        {
            errors.Add("endsAt", "Must be in the future.");
        }

        if (body.Cron is null)
        {
            if (body.EndsAt is null)
            {
                errors.Add("endsAt", "A silence without a cron needs an end.");
            }

            if (body.DurationMinutes is not null)
            {
                errors.Add("durationMinutes", "Only a recurring silence (with a cron) has a duration.");
            }

            return;
        }

        errors.AddIfNotNull("cron", SilenceSchedule.CronError(body.Cron));
        if (body.DurationMinutes is not (>= 1 and <= MaxDurationMinutes))
        {
            errors.Add("durationMinutes", $"A recurring silence lasts 1 to {MaxDurationMinutes} minutes after each firing of its cron.");
        }
    }

    private static string? TextError(string? value) =>
        value is not null && (value.Length == 0 || value.Length > MaxTextLength) ? $"1 to {MaxTextLength} characters when given." : null;
}
