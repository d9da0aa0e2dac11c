using System.Diagnostics;
using FleetMonitor.Alerting.Correlation;
using FleetMonitor.Alerting.Notifications;
using FleetMonitor.Alerting.Policies;
using FleetMonitor.Storage;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Alerting.Evaluation;

/// <summary>
/// Evaluates results and state changes inside their agent/probe's locked window and opens or resolves its alerts: a
/// whole batch in one transaction (the windows read, and the changed ones written, together), each window's items in
/// the order given.
/// </summary>
public sealed class AlertEvaluator(
    AlertStore alerts, CorrelationStore correlation, PolicyProvider policies, NotificationChannels channels, NotificationSignal signal,
    AlertingMetrics metrics, IOptions<AlertingOptions> options)
{
    /// <summary>Evaluates <paramref name="items"/> in one transaction; returns what became of each.</summary>
    public async Task<IReadOnlyList<WindowStatus>> EvaluateAsync(IReadOnlyList<EvaluationItem> items, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        foreach (var o in items.Select(i => i.Result).OfType<Observation>())
        {
            if (PublicNetwork.Of(o.Facts) is { } network)
            {
                await correlation.RecordNetworkAsync(o.AgentId, o.SiteId, network, cancellationToken);
            }

            if (RouterModel.Of(o.Facts) is { } router)
            {
                await correlation.RecordRouterAsync(o.AgentId, o.SiteId, router, cancellationToken);
            }
        }

        // A batch holds many sites: their policies are read side by side, not one round trip after the other.
        var sitePolicies = (await Task.WhenAll(items.Select(i => i.Key.SiteId).Distinct(StringComparer.Ordinal)
                .Select(async siteId => (siteId, Policy: await policies.GetAsync(siteId, cancellationToken)))))
            .ToDictionary(p => p.siteId, p => p.Policy, StringComparer.Ordinal);

        var statuses = new WindowStatus[items.Count];
        await alerts.InWindowsAsync(items.Select(i => i.Key).ToList(), async sessions =>
        {
            var byWindow = sessions.ToDictionary(s => (s.Window.AgentId, s.Window.ProbeId));
            foreach (var group in items.Select((item, index) => (item, index)).GroupBy(x => (x.item.Key.AgentId, x.item.Key.ProbeId)))
            {
                var session = byWindow[group.Key];
                var window = ProbeWindow.Load(session.Window);
                var open = new Dictionary<string, AlertRow>(StringComparer.Ordinal);
                foreach (var alert in session.OpenAlerts)
                {
                    open.TryAdd(alert.Cause, alert);
                }

                EvaluationItem? last = null;
                foreach (var (item, index) in group)
                {
                    var policy = sitePolicies[item.Key.SiteId];
                    var causes = open.Keys.ToHashSet(StringComparer.Ordinal);
                    var decision = item.Result is { } result
                        ? window.AddResult(result, policy, causes, session.Now)
                        : window.AddChange(item.Change!, policy, causes, session.Now);
                    statuses[index] = decision.Status;
                    if (decision.Status == WindowStatus.Applied)
                    {
                        last = item;
                        await ApplyAsync(session, open, decision, policy, item.Key);
                    }
                }

                if (last is not null)
                {
                    session.Save(window.Save(session.Window, last.Key.SiteId, last.Key.Kind, last.Key.Target));
                }
            }
        }, cancellationToken);

        metrics.Batch(items.Count, Stopwatch.GetElapsedTime(started));
        for (var i = 0; i < items.Count; i++)
        {
            metrics.Observation(items[i].Source, statuses[i].ToString().ToLowerInvariant());
        }

        if (statuses.Contains(WindowStatus.Applied))
        {
            signal.Wake();
        }

        return statuses;
    }

    private async Task ApplyAsync(AlertWindowSession session, Dictionary<string, AlertRow> open, WindowDecision decision, AlertPolicy policy, AlertWindowKey key)
    {
        var (siteId, agentId, probeId, kind, target) = (key.SiteId, key.AgentId, key.ProbeId, key.Kind, key.Target);
        foreach (var cause in decision.Resolve)
        {
            var alert = open[cause];
            open.Remove(cause);
            if (await session.ResolveAlertAsync(alert.Id, null, "the policy is met again", channels.All))
            {
                metrics.AlertResolved(alert.Class);
            }
        }

        foreach (var (cause, neverMet, reason) in decision.Open)
        {
            var alert = cause == AlertCauses.Flapping
                ? new NewAlert
                {
                    Fingerprint = AlertCauses.Fingerprint(agentId, probeId, cause),
                    Alertname = AlertCauses.FlappingAlert,
                    SiteId = siteId, AgentId = agentId, ProbeId = probeId, RuleId = cause, Cause = cause,
                    Class = "broken", Severity = Severities.Warning,
                    Summary = $"{kind} {target} keeps changing between ok and failed on {agentId}",
                    Description = $"Probe {probeId} ({kind} {target}) of agent {agentId} at site {siteId} is flapping: {reason}. Regression pages for it wait until it settles.",
                }
                : RuleAlert(policy.Rules!.First(r => r.Id == cause), neverMet, reason, siteId, agentId, probeId, kind, target);
            if (options.Value.GroupThreshold > 0)
            {
                // Its scopes: held for the group wait when any is known, so that a burst in one of them is told once.
                var (network, router) = await session.AgentScopesAsync();
                var service = ServiceTarget.Of(kind, target);
                alert = alert with { Network = network, Router = router, Target = service };
                if (network is not null || router is not null || service is not null)
                {
                    alert = alert with { HoldFor = options.Value.GroupWait };
                }
            }

            if (await session.OpenAlertAsync(alert, channels.All) is { } id)
            {
                open[cause] = Opened(id, alert, session.Now);
                metrics.AlertOpened(alert.Class, alert.Alertname);
            }
        }
    }

    /// <summary>The alert just opened in this transaction, as the rest of the batch sees it.</summary>
    private static AlertRow Opened(Guid id, NewAlert alert, DateTimeOffset now) => new()
    {
        Id = id, Fingerprint = alert.Fingerprint, Alertname = alert.Alertname, SiteId = alert.SiteId, AgentId = alert.AgentId,
        ProbeId = alert.ProbeId, RuleId = alert.RuleId, Cause = alert.Cause, Class = alert.Class, Severity = alert.Severity,
        State = AlertStates.Firing, Summary = alert.Summary, Description = alert.Description, StartedAt = now, UpdatedAt = now,
        LastNotifiedAt = now, Notifications = 1, Network = alert.Network, Router = alert.Router, Target = alert.Target,
    };

    private static NewAlert RuleAlert(PolicyRule rule, bool neverMet, string reason, string siteId, string agentId, string probeId, string kind, string target) => new()
    {
        Fingerprint = AlertCauses.Fingerprint(agentId, probeId, rule.Id!),
        Alertname = neverMet ? AlertCauses.NeverMetAlert : AlertCauses.RegressionAlert,
        SiteId = siteId,
        AgentId = agentId,
        ProbeId = probeId,
        RuleId = rule.Id!,
        Cause = rule.Id!,
        Class = rule.Class!,
        Severity = rule.Severity!,
        Summary = $"{rule.Class} at {siteId}: {rule.Id} fails on {agentId} ({kind} {target})",
        Description = (neverMet ? "Has not met the policy since it was first seen. " : "Met the policy before and regressed. ")
            + (rule.Description is null ? "" : rule.Description + " ") + $"Latest: {reason}.",
    };
}
