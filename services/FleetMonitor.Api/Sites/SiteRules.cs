using System.Text.RegularExpressions;

namespace FleetMonitor.Api.Sites;

/// <summary>What a valid site id, name and time zone are; each check returns the error message or null.</summary>
public static partial class SiteRules
{
    public const int MaxIdLength = 64;

    public const int MaxNameLength = 200;

    // Files under /usr/share/zoneinfo that TimeZoneInfo resolves but that are not IANA zone names:
    // "localtime" is whatever the host is set to, the rest are tzdata internals or leap-second variants.
    private static readonly string[] NotZoneNames = ["localtime", "posixrules", "Factory"];
    private static readonly string[] NotZonePrefixes = ["posix/", "right/"];

    public static string? IdError(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return "A site id is required.";
        }

        if (id.Length > MaxIdLength)
        {
            return $"A site id has at most {MaxIdLength} characters.";
        }

        return IdPattern().IsMatch(id) ? null : "A site id has lower-case letters, digits and '-', and starts with a letter or digit.";
    }

    public static string? NameError(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "A site name is required.";
        }

        return name.Length > MaxNameLength ? $"A site name has at most {MaxNameLength} characters." : null;
    }

    /// <summary>Checks an IANA time zone name, spelled exactly as in tzdata ("Europe/Berlin", not "europe/berlin").</summary>
    public static string? TimeZoneError(string? timeZone)
    {
        if (string.IsNullOrEmpty(timeZone))
        {
            return "A time zone is required.";
        }

        // The shape check keeps paths ("..", "/etc/...") and Windows names away from the lookup, which reads tzdata files.
        if (timeZone.Length > MaxIdLength
            || !ZonePattern().IsMatch(timeZone)
            || NotZoneNames.Contains(timeZone, StringComparer.OrdinalIgnoreCase)
            || NotZonePrefixes.Any(p => timeZone.StartsWith(p, StringComparison.OrdinalIgnoreCase))
            || !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone))
        {
            return $"'{timeZone}' is not an IANA time zone such as 'Europe/Berlin' or 'UTC'.";
        }

        // On Linux the lookup is case-sensitive until the zone is cached and case-insensitive after;
        // demanding the exact spelling gives the same answer every time.
        return zone.Id == timeZone ? null : $"'{timeZone}' is spelled '{zone.Id}' in the IANA time zone database.";
    }

    // \z, not $: "$" would also match before a trailing newline.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex ZonePattern();
}
