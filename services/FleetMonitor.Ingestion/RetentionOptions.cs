using System.ComponentModel.DataAnnotations;

namespace FleetMonitor.Ingestion;

/// <summary>How long history is kept, and how the maintenance job runs (section <c>Retention</c>).</summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>Days raw results are kept; older daily partitions are rolled up, then dropped.</summary>
    [Range(1, 3650)]
    public int Days { get; set; } = 90;

    /// <summary>Days the hourly roll-ups per site and probe are kept.</summary>
    [Range(1, 36500)]
    public int RollupDays { get; set; } = 730;

    /// <summary>Daily partitions made ahead of today (PostgreSQL).</summary>
    [Range(1, 60)]
    public int PartitionDaysAhead { get; set; } = 7;

    /// <summary>Hours before the current one whose roll-ups each run recomputes (late results are counted).</summary>
    [Range(0, 48)]
    public int RollupRecentHours { get; set; } = 3;

    /// <summary>How often the job runs (also once at start).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}
