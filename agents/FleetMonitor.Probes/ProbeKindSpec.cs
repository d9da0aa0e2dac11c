namespace FleetMonitor.Probes;

/// <summary>What the library knows of one probe kind before running it: the parameters it reads and the timeout it needs by default.</summary>
/// <param name="Kind">The kind name (<c>tcp</c>, <c>nat</c>, ...).</param>
/// <param name="DefaultTimeout">A deadline long enough for the probe's default parameters.</param>
/// <param name="Parameters">Every parameter name the probe reads; any other is refused.</param>
public sealed record ProbeKindSpec(string Kind, TimeSpan DefaultTimeout, IReadOnlyList<string> Parameters);
