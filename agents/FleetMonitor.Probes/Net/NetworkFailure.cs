namespace FleetMonitor.Probes.Net;

/// <summary>A network failure already classified: its finding code and a sentence for the user.</summary>
internal sealed record NetworkFailure(string Finding, string Message);
