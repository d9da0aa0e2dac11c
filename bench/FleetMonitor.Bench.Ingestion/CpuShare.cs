namespace FleetMonitor.Bench.Ingestion;

/// <summary>Cores used during a window, per process group, and by the whole machine (all users).</summary>
internal sealed record CpuShare(double Ingestion, double Agents, double Broker, double Database, double Machine);
