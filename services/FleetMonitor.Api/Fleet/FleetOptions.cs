using System.ComponentModel.DataAnnotations;

namespace FleetMonitor.Api.Fleet;

/// <summary>How the fleet view judges agents: when an agent whose heartbeats stopped counts as offline.</summary>
public sealed class FleetOptions
{
    public const string SectionName = "Fleet";

    /// <summary>An agent with no heartbeat (or, lacking heartbeats, no result) for this long is offline. Agents beat every 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "7.00:00:00")]
    public TimeSpan OfflineAfter { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How often an open live-update stream checks the latest state for a change.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan LiveCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the per-site agent counts for Prometheus (<c>fleetmonitor_fleet_agents</c>) are read again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(15);
}
