using System.Globalization;
using System.Text.RegularExpressions;

namespace FleetMonitor.Alerting.Policies;

/// <summary>Checks a parsed policy; every error is keyed by its JSON path (<c>rules[1].value</c>).</summary>
public static partial class PolicyValidator
{
    public const int MaxRules = 200;

    private static readonly string[] Ops = ["<", "<=", ">", ">="];
    private static readonly string[] UpnpCategories = ["sip", "rtp", "admin", "wide_range", "other_host"];

    public static IReadOnlyDictionary<string, string[]> Validate(AlertPolicy policy)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }

        if (policy.SchemaVersion != AlertPolicy.CurrentSchemaVersion)
        {
            Add("schemaVersion", $"Must be {AlertPolicy.CurrentSchemaVersion}.");
        }

        ValidateHysteresis(policy.Hysteresis, "hysteresis", Add);
        if (policy.Flapping is { } flapping)
        {
            Range(flapping.Transitions, 2, 100, "flapping.transitions", Add);
            Range(flapping.WindowSeconds, 60, 86_400, "flapping.windowSeconds", Add);
        }

        if (policy.AgentOffline is { } offline)
        {
            Range(offline.HeartbeatIntervalSeconds, 5, 86_400, "agentOffline.heartbeatIntervalSeconds", Add);
            Range(offline.MissedHeartbeats, 1, 100, "agentOffline.missedHeartbeats", Add);
            if (offline.Severity is not null && !Severities.All.Contains(offline.Severity))
            {
                Add("agentOffline.severity", $"'{offline.Severity}' is not one of {string.Join(", ", Severities.All)}.");
            }
        }

        if (policy.Rules is null)
        {
            Add("rules", "A list of rules is required (it may be empty).");
        }
        else if (policy.Rules.Count > MaxRules)
        {
            Add("rules", $"At most {MaxRules} rules.");
        }
        else
        {
            var ids = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < policy.Rules.Count; i++)
            {
                var at = $"rules[{i}]";
                var rule = policy.Rules[i];
                if (rule is null)
                {
                    Add(at, "A rule object is required.");
                    continue;
                }

                if (string.IsNullOrEmpty(rule.Id) || rule.Id.Length > 64 || !IdPattern().IsMatch(rule.Id))
                {
                    Add(at + ".id", "A rule id of 1 to 64 lower-case letters, digits, '-' and '_' is required.");
                }
                else if (!ids.Add(rule.Id))
                {
                    Add(at + ".id", $"The id '{rule.Id}' is used by an earlier rule.");
                }

                if (rule.Class is null || !AlertClasses.All.Contains(rule.Class))
                {
                    Add(at + ".class", $"Must be one of {string.Join(", ", AlertClasses.All)}.");
                }

                if (rule.Severity is null || !Severities.All.Contains(rule.Severity))
                {
                    Add(at + ".severity", $"Must be one of {string.Join(", ", Severities.All)}.");
                }

                Length(rule.Description, 500, at + ".description", Add);
                if (rule.RunbookUrl is not null && (!Uri.TryCreate(rule.RunbookUrl, UriKind.Absolute, out var runbook) || runbook.Scheme is not ("http" or "https")))
                {
                    Add(at + ".runbookUrl", "Must be an absolute http(s) URL.");
                }

                Length(rule.ProbeId, 64, at + ".probeId", Add);
                Length(rule.ProbeKind, 32, at + ".probeKind", Add);
                ValidateHysteresis(rule.Hysteresis, at + ".hysteresis", Add);
                ValidateKind(rule, at, Add);
            }
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    private static void ValidateKind(PolicyRule rule, string at, Action<string, string> add)
    {
        // Every member a kind does not read is refused, so that a misplaced setting is never silently ignored.
        var used = new List<string>();
        switch (rule.Kind)
        {
            case RuleKinds.ProbeOk:
                if (rule.ProbeId is null && rule.ProbeKind is null)
                {
                    add(at + ".probeId", "A probe_ok rule names a probeId or a probeKind.");
                }

                break;
            case RuleKinds.Measurement:
                used.AddRange(["measurement", "op", "value"]);
                if (rule.ProbeId is null && rule.ProbeKind is null)
                {
                    add(at + ".probeId", "A measurement rule names a probeId or a probeKind.");
                }

                if (string.IsNullOrEmpty(rule.Measurement) || !MeasurementPattern().IsMatch(rule.Measurement))
                {
                    add(at + ".measurement", "A measurement name such as 'mos_plc' or 'loss_ratio' is required.");
                }

                if (rule.Op is null || !Ops.Contains(rule.Op))
                {
                    add(at + ".op", $"Must be one of {string.Join(" ", Ops)} (what a passing value satisfies).");
                }

                if (rule.Value is not { } value || double.IsNaN(value) || double.IsInfinity(value))
                {
                    add(at + ".value", "A finite number is required.");
                }
                else if (value < 0)
                {
                    add(at + ".value", "Measurements are never negative: the threshold must be 0 or more.");
                }

                break;
            case RuleKinds.Nat:
                used.Add("constraint");
                if (rule.Constraint is null || !NatConstraints.All.Contains(rule.Constraint))
                {
                    add(at + ".constraint", $"Must be one of {string.Join(", ", NatConstraints.All)}.");
                }
                else if (rule.Constraint == NatConstraints.SymmetricWithoutTurn)
                {
                    used.Add("turnConfigured");
                }
                else if (rule.Constraint == NatConstraints.BindingShorterThanKeepalive)
                {
                    used.Add("keepaliveSeconds");
                    Range(rule.KeepaliveSeconds, 1, 3600, at + ".keepaliveSeconds", add);
                }

                break;
            case RuleKinds.PortsClosed:
                used.AddRange(["ports", "endpointIndependentFiltering"]);
                if ((rule.Ports is null || rule.Ports.Count == 0) && rule.EndpointIndependentFiltering != true)
                {
                    add(at + ".ports", "List the ports that must stay closed ('5060/udp', '10000-20000/udp', '*'), or set endpointIndependentFiltering.");
                }

                for (var p = 0; p < (rule.Ports?.Count ?? 0); p++)
                {
                    if (PortPattern.Parse(rule.Ports![p]) is null)
                    {
                        add($"{at}.ports[{p}]", $"'{rule.Ports[p]}' is not a port such as '5060/udp', a range such as '10000-20000/udp', or '*'.");
                    }
                }

                break;
            case RuleKinds.UpnpMapping:
                used.Add("categories");
                if (rule.Categories is null || rule.Categories.Count == 0)
                {
                    add(at + ".categories", $"List one or more of {string.Join(", ", UpnpCategories)}.");
                }

                for (var c = 0; c < (rule.Categories?.Count ?? 0); c++)
                {
                    if (!UpnpCategories.Contains(rule.Categories![c]))
                    {
                        add($"{at}.categories[{c}]", $"'{rule.Categories[c]}' is not one of {string.Join(", ", UpnpCategories)}.");
                    }
                }

                break;
            case RuleKinds.Finding:
                used.Add("pattern");
                if (string.IsNullOrEmpty(rule.Pattern) || rule.Pattern.Length > 128 || !FindingPatternShape().IsMatch(rule.Pattern))
                {
                    add(at + ".pattern", "A finding code pattern such as 'sip.alg.rewrote_*' is required (letters, digits, '.', '_', '/', '-', '*').");
                }

                break;
            default:
                add(at + ".kind", rule.Kind is null
                    ? $"A rule kind is required: one of {string.Join(", ", RuleKinds.All)}."
                    : $"Unknown rule kind '{rule.Kind}': one of {string.Join(", ", RuleKinds.All)}.");
                return;
        }

        void Refuse(string name, object? value)
        {
            if (value is not null && !used.Contains(name))
            {
                add($"{at}.{name}", $"Not a setting of a {rule.Kind} rule.");
            }
        }

        Refuse("measurement", rule.Measurement);
        Refuse("op", rule.Op);
        Refuse("value", rule.Value);
        Refuse("constraint", rule.Constraint);
        Refuse("turnConfigured", rule.TurnConfigured);
        Refuse("keepaliveSeconds", rule.KeepaliveSeconds);
        Refuse("ports", rule.Ports);
        Refuse("endpointIndependentFiltering", rule.EndpointIndependentFiltering);
        Refuse("categories", rule.Categories);
        Refuse("pattern", rule.Pattern);
    }

    private static void ValidateHysteresis(HysteresisSettings? hysteresis, string at, Action<string, string> add)
    {
        if (hysteresis is null)
        {
            return;
        }

        Range(hysteresis.Window, 1, HysteresisSettings.MaxWindow, at + ".window", add);
        Range(hysteresis.Failures, 1, HysteresisSettings.MaxWindow, at + ".failures", add);
        Range(hysteresis.PassesToResolve, 1, HysteresisSettings.MaxWindow, at + ".passesToResolve", add);
        if (hysteresis.Failures is { } n && hysteresis.Window is { } m && n > m)
        {
            add(at + ".failures", $"Cannot exceed the window ({m.ToString(CultureInfo.InvariantCulture)}).");
        }
    }

    private static void Range(int? value, int min, int max, string field, Action<string, string> add)
    {
        if (value is { } v && (v < min || v > max))
        {
            add(field, $"Must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    private static void Length(string? value, int max, string field, Action<string, string> add)
    {
        if (value is not null && (value.Length == 0 || value.Length > max))
        {
            add(field, $"Must have 1 to {max.ToString(CultureInfo.InvariantCulture)} characters.");
        }
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[a-z][a-z0-9_]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex MeasurementPattern();

    [GeneratedRegex(@"^[a-z0-9._/*-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex FindingPatternShape();
}
