using System.Text.RegularExpressions;
using FleetMonitor.Api.Definitions;
using FleetMonitor.Storage;

namespace FleetMonitor.Api.Templates;

/// <summary>
/// Checks templates and makes a site's definitions from one: <c>${name}</c> placeholders in targets and parameter
/// values take the site's variables, then the site's overrides replace fields; every result is checked as a
/// definition is (<see cref="DefinitionRules"/>), each error naming the field it comes from.
/// </summary>
internal static partial class TemplateRules
{
    public const int MaxDefinitions = 100;

    /// <summary>What a variable stands for while a template is checked on its own: variables name hosts.</summary>
    private const string SampleHost = "example.com";

    public static string? IdError(string id) =>
        IdPattern().IsMatch(id) ? null : "A template id has 1 to 64 lower-case letters, digits and '-', and starts with a letter or digit.";

    /// <summary>The template's checked definitions, or null with the errors added (fields <c>name</c>, <c>definitions[i].field</c>).</summary>
    public static IReadOnlyList<TemplateDefinition>? Validate(string id, TemplateRequest body, DateTimeOffset now, RequestErrors errors)
    {
        errors.AddIfNotNull("id", IdError(id));
        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 100)
        {
            errors.Add("name", "A name of 1 to 100 characters is required.");
        }

        if (body.Description is { Length: > 2000 })
        {
            errors.Add("description", "At most 2000 characters.");
        }

        var definitions = body.Definitions ?? [];
        if (definitions.Count is 0 or > MaxDefinitions)
        {
            errors.Add("definitions", $"From 1 to {MaxDefinitions} definitions are required.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < definitions.Count; i++)
        {
            var prefix = $"definitions[{i}].";
            var definition = definitions[i];
            if (definition is null)
            {
                errors.Add($"definitions[{i}]", "Must be a definition object.");
                continue;
            }

            if (definition.Id is not null && !seen.Add(definition.Id))
            {
                errors.Add(prefix + "id", $"'{definition.Id}' is used by an earlier definition of the template.");
            }

            foreach (var problem in PlaceholderErrors(definition))
            {
                errors.Add(prefix + problem.Field, problem.Message);
            }

            var sample = Variables([definition]).ToDictionary(v => v, _ => SampleHost, StringComparer.Ordinal);
            var inner = new RequestErrors();
            DefinitionRules.Validate("template", definition.Id ?? "", Fill(definition.ToRequest(), sample), now, inner);
            errors.AddAll(inner, _ => prefix);
        }

        return errors.Any ? null : definitions;
    }

    /// <summary>The variables the definitions use, by name.</summary>
    public static IReadOnlyList<string> Variables(IEnumerable<TemplateDefinition> definitions) =>
        definitions.SelectMany(d => (d.Parameters?.Values.AsEnumerable() ?? []).Prepend(d.Target ?? ""))
            .SelectMany(text => Placeholder().Matches(text).Select(m => m.Groups["name"].Value))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The site's drafts made from <paramref name="definitions"/> with <paramref name="settings"/>, or null with the
    /// errors added, each field prefixed with <paramref name="prefix"/>: <c>variables.name</c>, <c>overrides.id</c>,
    /// <c>overrides.id.field</c> (a field the override sets) or <c>definitions.id.field</c> (one from the template).
    /// </summary>
    public static IReadOnlyList<ProbeDefinitionDraft>? Materialize(
        string siteId, IReadOnlyList<TemplateDefinition> definitions, ApplyTemplateRequest settings, DateTimeOffset now, RequestErrors errors, string prefix = "")
    {
        var before = errors.Any;
        var found = new RequestErrors();
        var variables = settings.Variables ?? [];
        var used = Variables(definitions);
        foreach (var name in used.Where(n => !variables.ContainsKey(n)))
        {
            found.Add($"variables.{name}", $"The template uses ${{{name}}}: give it a value (a host name).");
        }

        foreach (var (name, value) in variables)
        {
            if (!used.Contains(name, StringComparer.Ordinal))
            {
                found.Add($"variables.{name}", $"'{name}' is not a variable of the template. Its variables: {string.Join(", ", used)}.");
            }
            else if (string.IsNullOrWhiteSpace(value) || value.Length > 253 || value.Any(char.IsWhiteSpace) || value.Contains("${", StringComparison.Ordinal))
            {
                found.Add($"variables.{name}", "Must be 1 to 253 characters without spaces or placeholders.");
            }
        }

        var overrides = settings.Overrides ?? [];
        var ids = definitions.Select(d => d.Id!).ToList();
        foreach (var id in overrides.Keys.Where(k => !ids.Contains(k, StringComparer.Ordinal)))
        {
            found.Add($"overrides.{id}", $"The template has no definition '{id}'. Its definitions: {string.Join(", ", ids)}.");
        }

        var drafts = new List<ProbeDefinitionDraft>(definitions.Count);
        foreach (var definition in definitions)
        {
            var id = definition.Id!;
            var request = Fill(definition.ToRequest(), variables);
            var change = overrides.GetValueOrDefault(id);
            if (change is not null)
            {
                request = Override(request, change);
            }

            var inner = new RequestErrors();
            var draft = DefinitionRules.Validate(siteId, id, request, now, inner);
            found.AddAll(inner, field => change is not null && Sets(change, field) ? $"overrides.{id}." : $"definitions.{id}.");
            if (draft is not null)
            {
                drafts.Add(draft);
            }
        }

        errors.AddAll(found, _ => prefix);
        return before || found.Any ? null : drafts;
    }

    private static DefinitionRequest Fill(DefinitionRequest request, Dictionary<string, string> variables)
    {
        string Replace(string text) => Placeholder().Replace(text, m => variables.TryGetValue(m.Groups["name"].Value, out var value) ? value : m.Value);
        return request with
        {
            Target = request.Target is null ? null : Replace(request.Target),
            Parameters = request.Parameters?.ToDictionary(p => p.Key, p => p.Value is null ? p.Value! : Replace(p.Value), StringComparer.Ordinal),
        };
    }

    private static DefinitionRequest Override(DefinitionRequest template, DefinitionRequest change)
    {
        var parameters = new Dictionary<string, string>(template.Parameters ?? [], StringComparer.Ordinal);
        foreach (var (name, value) in change.Parameters ?? [])
        {
            parameters[name] = value;
        }

        // A schedule overridden by one of interval or cron replaces the template's schedule whole.
        var schedule = change.IntervalSeconds is not null || change.Cron is not null;
        return new DefinitionRequest(
            change.Kind ?? template.Kind,
            change.Target ?? template.Target,
            schedule ? change.IntervalSeconds : template.IntervalSeconds,
            schedule ? change.Cron : template.Cron,
            change.TimeZone ?? template.TimeZone,
            change.TimeoutSeconds ?? template.TimeoutSeconds,
            parameters,
            change.Enabled ?? template.Enabled);
    }

    /// <summary>Whether an error of <paramref name="field"/> comes from what the override sets.</summary>
    private static bool Sets(DefinitionRequest change, string field) => field switch
    {
        "kind" => change.Kind is not null,
        "target" => change.Target is not null,
        "intervalSeconds" or "cron" or "schedule" => change.IntervalSeconds is not null || change.Cron is not null,
        "timeZone" => change.TimeZone is not null,
        "timeoutSeconds" => change.TimeoutSeconds is not null,
        _ when field.StartsWith("parameters.", StringComparison.Ordinal) => change.Parameters?.ContainsKey(field["parameters.".Length..]) == true,
        _ => false,
    };

    private static IEnumerable<(string Field, string Message)> PlaceholderErrors(TemplateDefinition definition)
    {
        var texts = (definition.Parameters ?? []).Select(p => ($"parameters.{p.Key}", p.Value ?? "")).Prepend(("target", definition.Target ?? ""));
        foreach (var (field, text) in texts)
        {
            if (Placeholder().Replace(text, "").Contains("${", StringComparison.Ordinal))
            {
                yield return (field, "A placeholder is ${name}: a lower-case letter, then up to 31 lower-case letters, digits and '_'.");
            }
        }
    }

    [GeneratedRegex(@"\$\{(?<name>[a-z][a-z0-9_]{0,31})\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
