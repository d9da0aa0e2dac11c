namespace FleetMonitor.Api.Enrolment;

/// <summary>One enrolled agent's Reflector credential, as the Reflector fetches them.</summary>
public sealed record ReflectorCredentialResponse(string Username, string Password);
