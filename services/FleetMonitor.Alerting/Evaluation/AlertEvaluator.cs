using FleetMonitor.Alerting.Correlation;
using FleetMonitor.Alerting.Notifications;
using FleetMonitor.Alerting.Policies;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Alerting.Evaluation;

/// <summary>Evaluates one result or state change inside the agent/probe's locked window and opens or resolves its alerts.</summary>
public sealed class AlertEvaluator(
    AlertStore alerts, CorrelationStore correlation, PolicyProvider policies, NotificationChannels channels, NotificationSignal signal,
    AlertingMetrics metrics, IOptions<AlertingOptions> options)
{
    public async Task EvaluateResultAsync(Observation o, CancellationToken cancellationToken)
    {
        if (PublicNetwork.Of(o.Facts) is { } network)
        {
            await correlation.RecordNetworkAsync(o.AgentId, o.SiteId, network, cancellationToken);
        }

        var policy = await policies.GetAsync(o.SiteId, cancellationToken);
        var status = await alerts.InWindowAsync(o.AgentId, o.ProbeId, o.SiteId, o.Kind, o.Target, async session =>
        {
            var window = ProbeWindow.Load(session.Window);
            var decision = window.AddResult(o, policy, OpenCauses(session), session.Now);
            if (decision.Status == WindowStatus.Applied)
            {
                await session.SaveWindowAsync(window.Save(session.Window, o.SiteId, o.Kind, o.Target));
                await ApplyAsync(session, decision, policy, o.SiteId, o.AgentId, o.ProbeId, o.Kind, o.Target);
            }

            return decision.Status;
        }, cancellationToken);
        metrics.Observation("result", status.ToString().ToLowerInvariant());
        if (status == WindowStatus.Applied)
        {
            signal.Wake();
        }
    }

    public async Task EvaluateChangeAsync(ProbeStateChanged change, CancellationToken cancellationToken)
    {
        var policy = await policies.GetAsync(change.SiteId, cancellationToken);
        var status = await alerts.InWindowAsync(change.AgentId, change.ProbeId, change.SiteId, change.Kind, change.Target, async session =>
        {
            var window = ProbeWindow.Load(session.Window);
            var decision = window.AddChange(change, policy, OpenCauses(session), session.Now);
            if (decision.Status == WindowStatus.Applied)
            {
                await session.SaveWindowAsync(window.Save(session.Window, change.SiteId, change.Kind, change.Target));
                await ApplyAsync(session, decision, policy, change.SiteId, change.AgentId, change.ProbeId, change.Kind, change.Target);
            }

            return decision.Status;
        }, cancellationToken);
        metrics.Observation("state_change", status.ToString().ToLowerInvariant());
        if (status == WindowStatus.Applied)
        {
            signal.Wake();
        }
    }

    private static HashSet<string> OpenCauses(AlertWindowSession session) => session.OpenAlerts.Select(a => a.Cause).ToHashSet(StringComparer.Ordinal);

    private async Task ApplyAsync(
        AlertWindowSession session, WindowDecision decision, AlertPolicy policy, string siteId, string agentId, string probeId, string kind, string target)
    {
        foreach (var cause in decision.Resolve)
        {
            var alert = session.OpenAlerts.First(a => a.Cause == cause);
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
            if (options.Value.GroupThreshold > 0 && await session.AgentNetworkAsync() is { } network)
            {
                alert = alert with { Network = network, HoldFor = options.Value.GroupWait };
            }

            if (await session.OpenAlertAsync(alert, channels.All) is not null)
            {
                metrics.AlertOpened(alert.Class, alert.Alertname);
            }
        }
    }

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
