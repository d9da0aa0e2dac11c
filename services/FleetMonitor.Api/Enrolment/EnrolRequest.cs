using System.Text.Json.Serialization;

namespace FleetMonitor.Api.Enrolment;

/// <summary>The body of <c>POST /api/enrol</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record EnrolRequest(string? Token, string? Hostname);
