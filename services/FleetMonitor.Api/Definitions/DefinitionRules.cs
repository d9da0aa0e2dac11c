using System.Text.RegularExpressions;
using FleetMonitor.Api.Sites;
using FleetMonitor.Storage;
using Quartz;

namespace FleetMonitor.Api.Definitions;

/// <summary>Checks a definition request field by field; a valid one becomes a <see cref="ProbeDefinitionDraft"/>.</summary>
internal static partial class DefinitionRules
{
    public const int MaxTimeoutSeconds = 600;
    public const int MaxIntervalSeconds = 86_400;

    public static string? IdError(string? id) =>
        id is not null && IdPattern().IsMatch(id) && !id.StartsWith("adhoc-", StringComparison.Ordinal)
            ? null
            : "A definition id has 1 to 64 lower-case letters, digits and '-', starts with a letter or digit, and does not start with 'adhoc-'.";

    /// <summary>Validates <paramref name="request"/>; the draft, or null with the errors added to <paramref name="errors"/>.</summary>
    public static ProbeDefinitionDraft? Validate(string siteId, string id, DefinitionRequest request, DateTimeOffset now, RequestErrors errors)
    {
        errors.AddIfNotNull("id", IdError(id));
        ProbeKindRule? rule = null;
        if (string.IsNullOrEmpty(request.Kind))
        {
            errors.Add("kind", $"A kind is required: one of {string.Join(", ", ProbeKindRules.All.Keys)}.");
        }
        else if (!ProbeKindRules.All.TryGetValue(request.Kind, out rule))
        {
            errors.Add("kind", $"'{request.Kind}' is not a probe kind. Known kinds: {string.Join(", ", ProbeKindRules.All.Keys)}.");
        }

        var target = request.Target ?? "";
        if (rule is not null)
        {
            if (target.Length > 500)
            {
                errors.Add("target", "A target has at most 500 characters.");
            }
            else
            {
                errors.AddIfNotNull("target", rule.TargetError(target));
            }
        }

        var parameters = request.Parameters ?? [];
        if (rule is not null)
        {
            foreach (var (name, value) in parameters)
            {
                if (!rule.Parameters.TryGetValue(name, out var check))
                {
                    errors.Add($"parameters.{name}", $"'{name}' is not a parameter of {rule.Kind}. Known parameters: {string.Join(", ", rule.Parameters.Keys.Order(StringComparer.Ordinal))}.");
                }
                else
                {
                    errors.AddIfNotNull($"parameters.{name}", value is null ? "Must be a string." : check(value));
                }
            }
        }

        var timeZone = request.TimeZone ?? "UTC";
        var zoneError = SiteRules.TimeZoneError(timeZone);
        errors.AddIfNotNull("timeZone", zoneError);
        var hasCron = !string.IsNullOrWhiteSpace(request.Cron);
        if (hasCron == request.IntervalSeconds.HasValue)
        {
            errors.Add("schedule", "Set exactly one of intervalSeconds and cron.");
        }
        else if (request.IntervalSeconds is { } interval && interval is < 1 or > MaxIntervalSeconds)
        {
            errors.Add("intervalSeconds", $"Must be from 1 to {MaxIntervalSeconds} seconds.");
        }
        else if (hasCron)
        {
            errors.AddIfNotNull("cron", CronError(request.Cron!, zoneError is null ? timeZone : "UTC", now));
        }

        // Unset: 10 s, or the least this kind needs with these parameters (nat: max_lifetime_s + 5) when that is more.
        var timeout = request.TimeoutSeconds ?? Math.Max(10, rule?.MinTimeoutSeconds(parameters) ?? 10);
        if (timeout is < 1 or > MaxTimeoutSeconds)
        {
            errors.Add("timeoutSeconds", $"Must be from 1 to {MaxTimeoutSeconds} seconds.");
        }
        else if (rule is not null && rule.MinTimeoutSeconds(parameters) is var least && timeout < least)
        {
            errors.Add("timeoutSeconds", $"A {rule.Kind} probe with these parameters needs at least {least} s ({rule.TimeoutReason}).");
        }
        else if (request.IntervalSeconds is { } every && every >= 1 && timeout > every)
        {
            errors.Add("timeoutSeconds", $"Must not be longer than the interval ({every} s): a run would still be going when the next is due.");
        }

        if (errors.Any || rule is null)
        {
            return null;
        }

        return new ProbeDefinitionDraft(
            siteId, id, rule.Kind, target, hasCron ? null : request.IntervalSeconds, hasCron ? request.Cron!.Trim() : null,
            timeZone, timeout, parameters, request.Enabled ?? true);
    }

    /// <summary>The error of a Quartz cron expression, or null; one that never fires again is an error too.</summary>
    public static string? CronError(string cron, string timeZone, DateTimeOffset now)
    {
        try
        {
            CronExpression.ValidateExpression(cron);
        }
        catch (FormatException e)
        {
            return $"Not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week [year]): {e.Message}";
        }

        var expression = new CronExpression(cron) { TimeZone = TimeZoneInfo.FindSystemTimeZoneById(timeZone) };
        return expression.GetNextValidTimeAfter(now) is null ? "The expression never fires again." : null;
    }

    /// <summary>The next <paramref name="count"/> times a definition is due after <paramref name="now"/> (before the per-agent splay).</summary>
    public static IReadOnlyList<DateTimeOffset> NextFireTimes(int? intervalSeconds, string? cron, string timeZone, DateTimeOffset now, int count = 5)
    {
        var times = new List<DateTimeOffset>(count);
        if (cron is not null)
        {
            var expression = new CronExpression(cron) { TimeZone = TimeZoneInfo.FindSystemTimeZoneById(timeZone) };
            var next = expression.GetNextValidTimeAfter(now);
            while (next is { } time && times.Count < count)
            {
                times.Add(time.ToOffset(expression.TimeZone.GetUtcOffset(time)));
                next = expression.GetNextValidTimeAfter(time);
            }
        }
        else if (intervalSeconds is { } seconds)
        {
            for (var i = 1; i <= count; i++)
            {
                times.Add(now.AddSeconds(seconds * i));
            }
        }

        return times;
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
