namespace FleetMonitor.Api.Access;

/// <summary>Who is signed in, with which role, and the token to send as <c>X-CSRF-TOKEN</c> on changes made with the session cookie.</summary>
public sealed record SessionResponse(string Name, string Role, string CsrfToken);
