namespace FleetMonitor.Reflector.Auth;

/// <summary>
/// The agents allowed to use the Reflector's authenticated services (<c>Reflector:Agents:...</c>): a static list
/// (<c>Credentials:N:...</c>) and, when <see cref="ControlPlaneUrl"/> is set, every enrolled agent, fetched from the Api.
/// </summary>
public sealed class AgentCredentialsOptions
{
    public const string SectionName = "Reflector:Agents";

    public List<AgentCredential> Credentials { get; set; } = [];

    /// <summary>The Api's base URL; its <c>/api/reflector/credentials</c> lists the enrolled agents' credentials.</summary>
    public string? ControlPlaneUrl { get; set; }

    /// <summary>How often the enrolled agents are fetched again: enrolment and revocation take effect within this.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}
