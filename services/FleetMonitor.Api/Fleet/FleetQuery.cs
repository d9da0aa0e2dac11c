using System.Globalization;
using FleetMonitor.Api.Sites;
using FleetMonitor.Storage;

namespace FleetMonitor.Api.Fleet;

/// <summary>
/// The overview's filter: <c>site</c>, <c>class</c>, <c>q</c> (words that must all appear in the site, agent, probe,
/// kind, target, cause, class or findings of a problem), <c>limit</c> (problems returned, 1 to <see cref="MaxLimit"/>;
/// all when absent) and <c>agents</c> (<c>all</c>, the default, or <c>none</c>). <c>site</c> restricts the agents and
/// the problems; the tiles and totals are always the whole fleet's. Any other parameter is refused.
/// </summary>
internal sealed record FleetQuery(string? Site, string? Class, IReadOnlyList<string> Words, int? Limit, bool Agents)
{
    public const int MaxLimit = 10_000;

    public const int MaxTextLength = 200;

    private static readonly string[] Known = ["site", "class", "q", "limit", "agents"];

    private static readonly string[] Classes = [FleetClass.Broken, FleetClass.Exposed, FleetClass.Offline, FleetClass.Degraded, FleetClass.Ok];

    // The text q searches, made once per problem line: the lines of states kept between builds are the same objects
    // from build to build, so a search does not join the words of every line again.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ProblemItem, string> SearchTexts = new();

    public static FleetQuery Parse(IQueryCollection query, RequestErrors errors)
    {
        foreach (var key in query.Keys.Where(k => !Known.Contains(k, StringComparer.Ordinal)))
        {
            errors.Add(key, $"Unknown parameter; the overview takes {string.Join(", ", Known)}.");
        }

        string? Single(string name)
        {
            var values = query[name];
            if (values.Count > 1)
            {
                errors.Add(name, $"{name} is given once.");
            }

            return values.Count == 0 ? null : values[0];
        }

        var site = Single("site");
        if (site is not null)
        {
            errors.AddIfNotNull("site", SiteRules.IdError(site));
        }

        var fleetClass = Single("class");
        if (fleetClass is not null && !Classes.Contains(fleetClass, StringComparer.Ordinal))
        {
            errors.Add("class", $"class is one of {string.Join(", ", Classes)}.");
        }

        var text = Single("q") ?? "";
        if (text.Length > MaxTextLength)
        {
            errors.Add("q", $"q is at most {MaxTextLength} characters.");
        }

        int? limit = null;
        if (Single("limit") is { } limitText)
        {
            if (int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= MaxLimit)
            {
                limit = value;
            }
            else
            {
                errors.Add("limit", $"limit is a whole number from 1 to {MaxLimit}.");
            }
        }

        var agents = Single("agents") ?? "all";
        if (agents is not ("all" or "none"))
        {
            errors.Add("agents", "agents is all or none.");
        }

        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new FleetQuery(string.IsNullOrEmpty(site) ? null : site, string.IsNullOrEmpty(fleetClass) ? null : fleetClass, words, limit, agents == "all");
    }

    /// <summary>The view of <paramref name="overview"/> this query asks for; <paramref name="agents"/> are the rows of the agents to list (none when <see cref="Agents"/> is false).</summary>
    public FleetView Apply(FleetOverview overview, IReadOnlyList<AgentRow> agents)
    {
        var matching = overview.Problems.Where(Matches).ToList();
        return new FleetView(
            overview.GeneratedAt,
            overview.Sites,
            FleetTotals.Sum(overview.Sites),
            [.. agents.Where(a => Site is null || a.SiteId == Site).Select(overview.Describe)
                .OrderBy(a => a.SiteId, StringComparer.Ordinal).ThenBy(a => a.AgentId, StringComparer.Ordinal)],
            Limit is { } limit ? [.. matching.Take(limit)] : matching,
            overview.Problems.Count,
            matching.Count);
    }

    private bool Matches(ProblemItem problem)
    {
        if ((Class is not null && problem.Class != Class) || (Site is not null && problem.SiteId != Site))
        {
            return false;
        }

        if (Words.Count == 0)
        {
            return true;
        }

        var haystack = SearchTexts.GetValue(problem, SearchText);
        return Words.All(word => haystack.Contains(word, StringComparison.OrdinalIgnoreCase));
    }

    private static string SearchText(ProblemItem problem)
    {
        var findings = problem.Findings is { ValueKind: System.Text.Json.JsonValueKind.Array } array
            ? array.EnumerateArray().Select(f => f.ToString())
            : [];
        return string.Join(' ', new[] { problem.SiteId, problem.AgentId, problem.ProbeId, problem.Kind, problem.Target, problem.Cause, problem.Class }.Concat(findings));
    }
}
