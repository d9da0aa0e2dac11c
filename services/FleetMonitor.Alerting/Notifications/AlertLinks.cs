using FleetMonitor.Storage;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Alerting.Notifications;

/// <summary>The dashboard and runbook links an alert carries.</summary>
public sealed class AlertLinks(IOptions<AlertingOptions> options)
{
    private readonly string _base = (options.Value.DashboardUrl ?? "http://localhost:5080").TrimEnd('/');

    public string Dashboard(AlertRow alert) => $"{_base}/alerts?site={Uri.EscapeDataString(alert.SiteId)}&alert={alert.Id}";

    /// <summary>The alerts page explains each rule of the site's policy; the runbook link points at the rule.</summary>
    public string Runbook(AlertRow alert) => $"{_base}/alerts?site={Uri.EscapeDataString(alert.SiteId)}#rule-{Uri.EscapeDataString(alert.Cause)}";
}
