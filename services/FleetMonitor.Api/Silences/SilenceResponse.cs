using FleetMonitor.Storage;

namespace FleetMonitor.Api.Silences;

/// <summary>A silence as the Api shows it: the stored row and whether it applies right now.</summary>
public sealed record SilenceResponse(SilenceRow Silence, bool Active);
