using FleetMonitor.Contracts;

namespace FleetMonitor.Probes;

/// <summary>What one probe run saw: an outcome, measurements, facts and finding codes.</summary>
public sealed record ProbeObservation
{
    public required ProbeOutcome Outcome { get; init; }

    /// <summary>Numeric measurements; the unit is the name's suffix (<c>connect_ms</c>).</summary>
    public IReadOnlyDictionary<string, double> Measurements { get; init; } = new Dictionary<string, double>();

    public IReadOnlyDictionary<string, string> Facts { get; init; } = new Dictionary<string, string>();

    /// <summary>Finding codes (<c>tcp.refused</c>, <c>tls.certificate_expired</c>).</summary>
    public IReadOnlyList<string> Findings { get; init; } = [];

    /// <summary>A human-readable reason when the outcome is not ok.</summary>
    public string? Error { get; init; }
}
