namespace FleetMonitor.Alerting.Evaluation;

/// <summary>Alert names and the causes that are not a policy rule.</summary>
public static class AlertCauses
{
    public const string Flapping = "flapping";
    public const string AgentOffline = "agent-offline";

    public const string RegressionAlert = "FleetMonitorRegression";
    public const string NeverMetAlert = "FleetMonitorPolicyNeverMet";
    public const string FlappingAlert = "FleetMonitorProbeFlapping";
    public const string AgentOfflineAlert = "FleetMonitorAgentOffline";

    public static string Fingerprint(string agentId, string probeId, string cause) => $"{agentId}|{probeId}|{cause}";
}
