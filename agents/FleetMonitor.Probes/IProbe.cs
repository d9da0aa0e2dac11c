namespace FleetMonitor.Probes;

/// <summary>One kind of probe (<c>tcp</c>, <c>http</c>, ...): runs once against a target and reports what it saw.</summary>
public interface IProbe
{
    /// <summary>The kind name used in schedules, on the wire and by <c>probe &lt;kind&gt;</c>.</summary>
    string Kind { get; }

    /// <summary>Runs the probe. Never throws for a network failure: that is an outcome with a finding code.</summary>
    Task<ProbeObservation> RunAsync(ProbeRequest request, CancellationToken cancellationToken);
}
