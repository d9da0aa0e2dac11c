using System.ComponentModel.DataAnnotations;

namespace FleetMonitor.Agent.Control;

/// <summary>The control channel (<c>Agent:Control:...</c>): the agent's own queue, where the site schedule and "probe now" arrive.</summary>
public sealed class AgentControlOptions
{
    /// <summary>Listen on the agent's queue and ask for the site schedule at start. Off: only the local configuration's probes run.</summary>
    public bool Enabled { get; set; }

    /// <summary>The last applied site schedule, run at start before the broker is reached.</summary>
    [Required]
    public string ScheduleCachePath { get; set; } = "agent-schedule.json";

    /// <summary>Declare the agent's queue and its bindings. Off for enrolled agents, whose queue the server made and which may not declare.</summary>
    public bool DeclareQueue { get; set; }
}
