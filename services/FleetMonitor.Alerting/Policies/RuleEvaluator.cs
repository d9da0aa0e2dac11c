using FleetMonitor.Contracts;

namespace FleetMonitor.Alerting.Policies;

/// <summary>Judges one result against one (validated) rule.</summary>
public static class RuleEvaluator
{
    public static RuleVerdict Evaluate(PolicyRule rule, Observation o)
    {
        // A probe that could not run (bad parameters, local failure) says nothing about the network.
        if (o.Outcome == ProbeOutcome.Error || !Applies(rule, o))
        {
            return RuleVerdict.NotApplicable;
        }

        return rule.Kind switch
        {
            RuleKinds.ProbeOk => Verdict(o.Outcome != ProbeOutcome.Failed),
            RuleKinds.Measurement => Measurement(rule, o),
            RuleKinds.Nat => Nat(rule, o),
            RuleKinds.PortsClosed => Verdict(!o.Findings.Any(f => IsOpen(rule, f))),
            RuleKinds.UpnpMapping => Verdict(!o.Findings.Any(f => rule.Categories!.Any(c => f == "upnp.mapping." + c))),
            RuleKinds.Finding => Verdict(!o.Findings.Any(f => FindingPattern.Matches(rule.Pattern!, f))),
            _ => RuleVerdict.NotApplicable,
        };
    }

    /// <summary>The findings or values that made a result fail the rule, for the alert's description.</summary>
    public static string Reason(PolicyRule rule, Observation o) => rule.Kind switch
    {
        RuleKinds.ProbeOk => $"{o.Kind} {o.Target}: {Text(o.Outcome)}" + (o.Findings.Count > 0 ? $" ({string.Join(", ", o.Findings)})" : ""),
        RuleKinds.Measurement => o.Measurements.TryGetValue(rule.Measurement!, out var v)
            ? $"{rule.Measurement} = {v.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}, the policy wants {rule.Op} {rule.Value?.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
            : $"{rule.Measurement} missing",
        _ => string.Join(", ", o.Findings.Where(f => f.StartsWith("exposure.", StringComparison.Ordinal) || f.StartsWith("upnp.mapping.", StringComparison.Ordinal)
            || f.StartsWith("nat.", StringComparison.Ordinal) || f.StartsWith("sip.alg.", StringComparison.Ordinal) || rule.Kind == RuleKinds.Finding)),
    };

    private static bool Applies(PolicyRule rule, Observation o)
    {
        if (rule.ProbeId is not null && rule.ProbeId != o.ProbeId)
        {
            return false;
        }

        if (rule.ProbeKind is not null)
        {
            return rule.ProbeKind == o.Kind;
        }

        if (rule.ProbeId is not null)
        {
            return true;
        }

        // Without a probe named, a rule is about the probes that can see what it judges.
        return rule.Kind switch
        {
            RuleKinds.Nat => rule.Constraint == NatConstraints.SipAlg ? o.Kind is "sip-alg" or "nat" : o.Kind == "nat",
            RuleKinds.PortsClosed => o.Kind == "exposure" || (rule.EndpointIndependentFiltering == true && o.Kind == "nat"),
            RuleKinds.UpnpMapping => o.Kind == "upnp",
            _ => true,
        };
    }

    private static RuleVerdict Measurement(PolicyRule rule, Observation o)
    {
        if (!o.Measurements.TryGetValue(rule.Measurement!, out var value))
        {
            return RuleVerdict.NotApplicable;
        }

        var threshold = rule.Value!.Value;
        return Verdict(rule.Op switch
        {
            "<" => value < threshold,
            "<=" => value <= threshold,
            ">" => value > threshold,
            ">=" => value >= threshold,
            _ => true,
        });
    }

    private static RuleVerdict Nat(PolicyRule rule, Observation o) => rule.Constraint switch
    {
        NatConstraints.SymmetricWithoutTurn => Verdict(rule.TurnConfigured == true || !o.Findings.Contains("nat.symmetric")),
        NatConstraints.BindingShorterThanKeepalive => o.Measurements.TryGetValue("binding_lifetime_s", out var lifetime) && rule.KeepaliveSeconds is { } keepalive
            ? Verdict(lifetime >= keepalive)
            : Verdict(!o.Findings.Contains("nat.binding_short")),
        NatConstraints.SipAlg => Verdict(!o.Findings.Any(f => f.StartsWith("sip.alg.rewrote_", StringComparison.Ordinal) || f == "nat.alg_suspected")),
        _ => RuleVerdict.NotApplicable,
    };

    private static bool IsOpen(PolicyRule rule, string finding)
    {
        if (rule.EndpointIndependentFiltering == true && finding == "exposure.nat_filtering_open")
        {
            return true;
        }

        const string Prefix = "exposure.open.";
        return finding.StartsWith(Prefix, StringComparison.Ordinal)
            && rule.Ports is { } ports
            && ports.Any(p => PortPattern.Parse(p)?.Matches(finding[Prefix.Length..]) == true);
    }

    private static RuleVerdict Verdict(bool pass) => pass ? RuleVerdict.Pass : RuleVerdict.Fail;

    private static string Text(ProbeOutcome outcome) => outcome.ToString().ToLowerInvariant();
}
