namespace FleetMonitor.Reflector.Auth;

/// <summary>The agents allowed to use the Reflector's authenticated services (<c>Reflector:Agents:Credentials:N:...</c>).</summary>
public sealed class AgentCredentialsOptions
{
    public const string SectionName = "Reflector:Agents";

    public List<AgentCredential> Credentials { get; set; } = [];
}
