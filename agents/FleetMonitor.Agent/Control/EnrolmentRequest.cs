namespace FleetMonitor.Agent.Control;

/// <summary>The body of <c>POST /api/enrol</c>: the site token and the host the agent runs on.</summary>
public sealed record EnrolmentRequest(string Token, string Hostname);
