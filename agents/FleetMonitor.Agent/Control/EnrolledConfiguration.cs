namespace FleetMonitor.Agent.Control;

/// <summary>The configuration file <c>enrol</c> writes: the agent's section with its identity and credentials.</summary>
public sealed record EnrolledConfiguration(EnrolledConfiguration.AgentSection Agent)
{
    /// <summary>The <c>Agent</c> section.</summary>
    public sealed record AgentSection(string AgentId, string SiteId, BrokerSection Broker, ControlSection Control, ReflectorSection Reflector);

    /// <summary>The broker URI with the agent's own credentials.</summary>
    public sealed record BrokerSection(string Uri);

    /// <summary>The control channel, on.</summary>
    public sealed record ControlSection(bool Enabled);

    /// <summary>The Reflector credential.</summary>
    public sealed record ReflectorSection(string Username, string Password);
}
