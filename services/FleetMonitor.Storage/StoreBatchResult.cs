using FleetMonitor.Contracts;

namespace FleetMonitor.Storage;

/// <summary>What one batch write did: rows new, rows already stored, and the state changes it caused.</summary>
public sealed record StoreBatchResult(int Inserted, int Duplicates, IReadOnlyList<ProbeStateChanged> Changes);
