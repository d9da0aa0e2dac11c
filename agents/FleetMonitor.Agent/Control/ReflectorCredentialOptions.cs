namespace FleetMonitor.Agent.Control;

/// <summary>The agent's own Reflector credential (<c>Agent:Reflector:...</c>), given at enrolment; nat and exposure probes use it.</summary>
public sealed class ReflectorCredentialOptions
{
    public string Username { get; set; } = "";

    public string Password { get; set; } = "";
}
