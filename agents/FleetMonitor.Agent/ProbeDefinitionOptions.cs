using System.ComponentModel.DataAnnotations;

namespace FleetMonitor.Agent;

/// <summary>One scheduled probe: what to run, against what, and when (an interval or a Quartz cron expression).</summary>
public sealed class ProbeDefinitionOptions
{
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,63}$")]
    public string Id { get; set; } = "";

    [Range(0, int.MaxValue)]
    public int Version { get; set; } = 1;

    [Required]
    public string Kind { get; set; } = "";

    [Required]
    public string Target { get; set; } = "";

    /// <summary>Run every so many seconds; used when <see cref="Cron"/> is empty.</summary>
    [Range(1, 86_400)]
    public int? IntervalSeconds { get; set; }

    /// <summary>A Quartz cron expression (seconds first), evaluated in <see cref="TimeZone"/>.</summary>
    public string? Cron { get; set; }

    public string TimeZone { get; set; } = "UTC";

    /// <summary>Seconds the run may take; unset means the kind's default (<see cref="FleetMonitor.Probes.ProbeKindSpecs"/>: nat 130 s, upnp 60 s, exposure 30 s, ...).</summary>
    [Range(1, 600)]
    public int? TimeoutSeconds { get; set; }

    public Dictionary<string, string> Parameters { get; set; } = [];
}
