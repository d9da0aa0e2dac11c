namespace FleetMonitor.Agent.Control;

/// <summary>The server's answer to an enrolment: the agent's identity and its own credentials.</summary>
public sealed record EnrolmentResult(
    string AgentId,
    string SiteId,
    string BrokerUri,
    string BrokerUsername,
    string BrokerPassword,
    string ReflectorUsername,
    string ReflectorPassword);
