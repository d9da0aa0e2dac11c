using FleetMonitor.Contracts;

namespace FleetMonitor.Probes;

/// <summary>Collects what one probe run saw and derives the outcome from the worst finding.</summary>
internal sealed class ObservationBuilder
{
    private readonly Dictionary<string, double> _measurements = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _facts = new(StringComparer.Ordinal);
    private readonly List<string> _findings = [];
    private readonly List<string> _errors = [];
    private ProbeOutcome _outcome = ProbeOutcome.Ok;

    public void Measure(string name, double value) => _measurements[name] = value;

    public void Measure(string name, TimeSpan elapsed) => _measurements[name] = Math.Round(elapsed.TotalMilliseconds, 3);

    public void Fact(string name, string value) => _facts[name] = value;

    public void Fail(string finding, string error) => Add(finding, ProbeOutcome.Failed, error);

    public void Degrade(string finding, string error) => Add(finding, ProbeOutcome.Degraded, error);

    public void Add(string finding, ProbeOutcome severity, string? error)
    {
        if (!_findings.Contains(finding))
            _findings.Add(finding);
        if (error is not null && !_errors.Contains(error))
            _errors.Add(error);
        if (Rank(severity) > Rank(_outcome))
            _outcome = severity;
    }

    public ProbeObservation Build() => new()
    {
        Outcome = _outcome,
        Measurements = _measurements,
        Facts = _facts,
        Findings = _findings,
        Error = _outcome == ProbeOutcome.Ok || _errors.Count == 0 ? null : string.Join("; ", _errors),
    };

    /// <summary>The probe could not run: a bad target or parameter, or a fault of its own.</summary>
    public static ProbeObservation Invalid(string finding, string error) => new()
    {
        Outcome = ProbeOutcome.Error,
        Findings = [finding],
        Error = error,
    };

    private static int Rank(ProbeOutcome outcome) => outcome switch
    {
        ProbeOutcome.Ok => 0,
        ProbeOutcome.Degraded => 1,
        ProbeOutcome.Failed => 2,
        _ => 3,
    };
}
