namespace FleetMonitor.Api.Enrolment;

/// <summary>The body of <c>POST /api/enrol</c>.</summary>
public sealed record EnrolRequest(string? Token, string? Hostname);
