namespace FleetMonitor.Api.Enrolment;

/// <summary>An enrolled agent's identity and credentials, given once.</summary>
public sealed record EnrolResponse(
    string AgentId,
    string SiteId,
    string BrokerUri,
    string BrokerUsername,
    string BrokerPassword,
    string ReflectorUsername,
    string ReflectorPassword);
