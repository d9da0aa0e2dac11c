namespace FleetMonitor.Alerting.Evaluation;

/// <summary>What became of an observation.</summary>
public enum WindowStatus
{
    Applied,

    /// <summary>Seen before (a redelivery, or the same result through the other source).</summary>
    Duplicate,

    /// <summary>Older than everything the window still holds, or than the last state change: it can change nothing.</summary>
    Stale,
}
