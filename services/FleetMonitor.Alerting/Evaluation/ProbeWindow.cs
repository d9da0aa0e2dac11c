using System.Text.Json;
using FleetMonitor.Alerting.Policies;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;

namespace FleetMonitor.Alerting.Evaluation;

/// <summary>
/// The hysteresis of one agent and probe: the last results' verdicts per rule (N of M to open, K passes to resolve) and
/// the recent outcome transitions (flapping). Pure logic over the stored window row.
/// </summary>
internal sealed class ProbeWindow
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private ProbeWindow(List<WindowEntry> entries, HashSet<string> everPassed, List<TransitionEntry> transitions, DateTimeOffset? lastChange)
    {
        Entries = entries;
        EverPassed = everPassed;
        Transitions = transitions;
        LastChangeStartedAt = lastChange;
    }

    public List<WindowEntry> Entries { get; }

    public HashSet<string> EverPassed { get; }

    public List<TransitionEntry> Transitions { get; }

    public DateTimeOffset? LastChangeStartedAt { get; private set; }

    public static ProbeWindow Load(AlertWindowRow row) => new(
        JsonSerializer.Deserialize<List<WindowEntry>>(row.Entries, Json) ?? [],
        JsonSerializer.Deserialize<HashSet<string>>(row.EverPassed, Json) ?? [],
        JsonSerializer.Deserialize<List<TransitionEntry>>(row.Transitions, Json) ?? [],
        row.LastChangeStartedAt);

    public AlertWindowRow Save(AlertWindowRow row, string siteId, string kind, string target) => new()
    {
        AgentId = row.AgentId,
        ProbeId = row.ProbeId,
        SiteId = siteId,
        Kind = kind,
        Target = target,
        Entries = JsonSerializer.Serialize(Entries, Json),
        EverPassed = JsonSerializer.Serialize(EverPassed, Json),
        Transitions = JsonSerializer.Serialize(Transitions, Json),
        LastChangeStartedAt = LastChangeStartedAt,
    };

    /// <summary>Adds one result and decides what opens and resolves.</summary>
    public WindowDecision AddResult(Observation o, AlertPolicy policy, IReadOnlySet<string> openCauses, DateTimeOffset now)
    {
        var rules = policy.Rules ?? [];
        var capacity = Math.Max(
            rules.Select(r => Math.Max(Effective(r, policy).Window, Effective(r, policy).PassesToResolve)).DefaultIfEmpty(1).Max(),
            HysteresisSettings.DefaultWindow);
        if (Entries.Any(e => e.R == o.ResultId))
        {
            return new WindowDecision { Status = WindowStatus.Duplicate };
        }

        if (Entries.Count >= capacity && o.StartedAt < Entries.Min(e => e.T))
        {
            return new WindowDecision { Status = WindowStatus.Stale };
        }

        var failed = new List<string>();
        var passed = new List<string>();
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            switch (RuleEvaluator.Evaluate(rule, o))
            {
                case RuleVerdict.Fail:
                    failed.Add(rule.Id!);
                    reasons[rule.Id!] = RuleEvaluator.Reason(rule, o);
                    break;
                case RuleVerdict.Pass:
                    passed.Add(rule.Id!);
                    EverPassed.Add(rule.Id!);
                    break;
            }
        }

        var entry = new WindowEntry(o.ResultId, o.StartedAt, Outcome(o.Outcome), [.. failed], [.. passed]);
        var index = Entries.FindIndex(e => e.T > o.StartedAt);
        var at = index < 0 ? Entries.Count : index;
        Entries.Insert(at, entry);

        // A change of outcome against the previous result in time is a transition, whichever source reports it first.
        // Results are consumed concurrently: one that arrives late lands between two neighbours, so the transition
        // of the result after it is decided again too (a flip counted against the wrong neighbour is taken back).
        DecideTransition(at);
        DecideTransition(at + 1);
        if (Entries.Count > capacity)
        {
            Entries.RemoveRange(0, Entries.Count - capacity);
        }

        var decision = new WindowDecision { Status = WindowStatus.Applied };
        var flapping = DecideFlapping(policy, openCauses, now, decision);
        foreach (var rule in rules)
        {
            var id = rule.Id!;
            var h = Effective(rule, policy);
            var applicable = Entries.Where(e => e.F.Contains(id) || e.P.Contains(id)).ToList();
            if (openCauses.Contains(id))
            {
                var lastK = applicable.TakeLast(h.PassesToResolve).ToList();
                if (lastK.Count == h.PassesToResolve && lastK.All(e => e.P.Contains(id)))
                {
                    decision.Resolve.Add(id);
                }
            }
            else if (!flapping && failed.Contains(id))
            {
                // The newest result must fail too: a late old failure does not open an alert the present contradicts.
                var lastM = applicable.TakeLast(h.Window).ToList();
                var failures = lastM.Count(e => e.F.Contains(id));
                if (failures >= h.Failures && applicable[^1].F.Contains(id))
                {
                    decision.Open.Add((id, !EverPassed.Contains(id), reasons[id]));
                }
            }
        }

        return decision;
    }

    /// <summary>
    /// Adds one state change: a transition for flapping. A change seen before is a duplicate; one older than the flapping
    /// window is stale. A change that arrives after a newer one still counts: consumers run concurrently, and a flip
    /// that happened is a flip whatever order it is read in.
    /// </summary>
    public WindowDecision AddChange(ProbeStateChanged change, AlertPolicy policy, IReadOnlySet<string> openCauses, DateTimeOffset now)
    {
        var window = TimeSpan.FromSeconds(policy.Flapping?.WindowSeconds ?? FlappingSettings.DefaultWindowSeconds);
        if (Transitions.Any(t => t.R == change.ResultId) || (LastChangeStartedAt == change.StartedAt && change.PreviousOutcome is null))
        {
            return new WindowDecision { Status = WindowStatus.Duplicate };
        }

        if (change.StartedAt < now - window)
        {
            return new WindowDecision { Status = WindowStatus.Stale };
        }

        if (LastChangeStartedAt is not { } last || change.StartedAt > last)
        {
            LastChangeStartedAt = change.StartedAt;
        }

        // When the window holds the result and the one before it, the window decides (the change's previous outcome
        // is whatever Ingestion had stored before, which a result stored late makes wrong).
        var known = Entries.FindIndex(e => e.R == change.ResultId);
        if (known > 0)
        {
            DecideTransition(known);
        }
        else if (change.PreviousOutcome is { } previous && IsBad(Outcome(previous)) != IsBad(Outcome(change.Outcome)))
        {
            AddTransition(new TransitionEntry(change.ResultId, change.StartedAt));
        }

        var decision = new WindowDecision { Status = WindowStatus.Applied };
        DecideFlapping(policy, openCauses, now, decision);
        return decision;
    }

    private bool DecideFlapping(AlertPolicy policy, IReadOnlySet<string> openCauses, DateTimeOffset now, WindowDecision decision)
    {
        var needed = policy.Flapping?.Transitions ?? FlappingSettings.DefaultTransitions;
        var window = TimeSpan.FromSeconds(policy.Flapping?.WindowSeconds ?? FlappingSettings.DefaultWindowSeconds);
        Transitions.RemoveAll(t => t.T < now - window);
        var recent = Transitions.Count;
        var open = openCauses.Contains(AlertCauses.Flapping);
        if (!open && recent >= needed)
        {
            decision.Open.Add((AlertCauses.Flapping, false, $"{recent} outcome changes within {window.TotalMinutes:0} minutes"));
            return true;
        }

        if (open && recent < needed)
        {
            decision.Resolve.Add(AlertCauses.Flapping);
            return false;
        }

        return open;
    }

    /// <summary>The entry at <paramref name="index"/> is a transition exactly when its outcome differs from the entry before it.</summary>
    private void DecideTransition(int index)
    {
        if (index <= 0 || index >= Entries.Count)
        {
            return;
        }

        var entry = Entries[index];
        if (IsBad(Entries[index - 1].O) != IsBad(entry.O))
        {
            AddTransition(new TransitionEntry(entry.R, entry.T));
        }
        else
        {
            Transitions.RemoveAll(t => t.R == entry.R);
        }
    }

    private void AddTransition(TransitionEntry transition)
    {
        if (Transitions.All(t => t.R != transition.R))
        {
            Transitions.Add(transition);
            Transitions.Sort((a, b) => a.T.CompareTo(b.T));
        }
    }

    internal static (int Failures, int Window, int PassesToResolve) Effective(PolicyRule rule, AlertPolicy policy)
    {
        var window = rule.Hysteresis?.Window ?? policy.Hysteresis?.Window ?? HysteresisSettings.DefaultWindow;
        var failures = Math.Min(window, rule.Hysteresis?.Failures ?? policy.Hysteresis?.Failures ?? HysteresisSettings.DefaultFailures);
        var passes = rule.Hysteresis?.PassesToResolve ?? policy.Hysteresis?.PassesToResolve ?? HysteresisSettings.DefaultPassesToResolve;
        return (failures, window, passes);
    }

    private static bool IsBad(string outcome) => outcome is "failed";

    private static string Outcome(ProbeOutcome outcome) => OutcomeText.Format(outcome);
}
