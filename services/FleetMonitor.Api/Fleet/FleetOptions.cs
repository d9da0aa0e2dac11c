using System.ComponentModel.DataAnnotations;

namespace FleetMonitor.Api.Fleet;

/// <summary>How the fleet view is kept up to date: live streams and the fleet metrics.</summary>
public sealed class FleetOptions
{
    public const string SectionName = "Fleet";

    /// <summary>
    /// How often an open live-update stream sends a "tick" when nothing was written, so that dashboards redraw agents
    /// turning offline (which writes nothing). When an agent is offline is its site's policy's matter (<c>agentOffline</c>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan LiveTickInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an open live-update stream checks the latest state for a change.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan LiveCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the per-site agent counts for Prometheus (<c>fleetmonitor_fleet_agents</c>) are read again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(15);
}
