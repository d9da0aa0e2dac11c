namespace FleetMonitor.Bench.Ingestion;

/// <summary>Where a fuzz run's messages ended: still ready or unacknowledged (a stall), in error queues, counted as rejected.</summary>
public sealed record FuzzOutcome(long Ready, long Unacknowledged, long ErrorQueued, long Counted, bool Healthy);
