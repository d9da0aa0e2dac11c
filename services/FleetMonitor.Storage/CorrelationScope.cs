namespace FleetMonitor.Storage;

/// <summary>One way alerts are correlated.</summary>
/// <param name="Name">The first word of the grouped alert's agent label and fingerprint (<c>network 203.0.113.0/24</c>).</param>
/// <param name="Column">The column of <c>alerts</c> (a fixed name, never input) that holds an alert's value in this scope.</param>
/// <param name="Alertname">The grouped alert's name.</param>
/// <param name="ValueOf">The alert's value in this scope, if known.</param>
/// <param name="Short">The scope in a summary: "behind 203.0.113.0/24".</param>
/// <param name="Long">The scope in a description: "behind the public network 203.0.113.0/24".</param>
internal sealed record CorrelationScope(
    string Name, string Column, string Alertname, Func<AlertRow, string?> ValueOf, Func<string, string> Short, Func<string, string> Long)
{
    /// <summary>In the order an alert is tried: the narrowest explanation (its ISP) first, the broadest (a router firmware) last.</summary>
    public static IReadOnlyList<CorrelationScope> All { get; } =
    [
        new("network", "network", CorrelationStore.NetworkAlertname, a => a.Network, v => $"behind {v}", v => $"behind the public network {v}"),
        new("target", "target", CorrelationStore.TargetAlertname, a => a.Target, v => $"against {v}", v => $"reaching the PBX or server {v}"),
        new("router", "router", CorrelationStore.RouterAlertname, a => a.Router, v => $"with router {v}", v => $"behind routers of the model {v}"),
    ];
}
