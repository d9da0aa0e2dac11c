namespace FleetMonitor.Probes.Http;

/// <summary>Where an http probe run is, so that a deadline can be blamed on the step that was running.</summary>
internal enum HttpPhase
{
    Sending,
    Resolving,
    Connecting,
    TlsHandshake,
    AwaitingHeaders,
    ReadingBody,
}
