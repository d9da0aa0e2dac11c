using System.ComponentModel.DataAnnotations;
using FleetMonitor.Agent.Control;

namespace FleetMonitor.Agent;

/// <summary>The agent's configuration (agent.json, environment variables <c>Agent__...</c>).</summary>
public sealed class AgentOptions
{
    public const string SectionName = "Agent";

    [Required]
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    public string AgentId { get; set; } = "";

    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,63}$")]
    public string SiteId { get; set; } = "";

    [Required]
    public BrokerOptions Broker { get; set; } = new();

    /// <summary>The SQLite file holding results until the broker confirmed them.</summary>
    [Required]
    public string OutboxPath { get; set; } = "agent-outbox.db";

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>At most this long between a probe's schedule and its first run, spread per agent.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxSplay { get; set; } = TimeSpan.FromSeconds(15);

    public List<ProbeDefinitionOptions> Probes { get; set; } = [];

    /// <summary>The control channel: the site schedule and "probe now" from the server.</summary>
    public AgentControlOptions Control { get; set; } = new();

    /// <summary>The agent's Reflector credential, when it was enrolled.</summary>
    public ReflectorCredentialOptions? Reflector { get; set; }
}
