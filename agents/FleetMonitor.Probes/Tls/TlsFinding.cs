using FleetMonitor.Contracts;

namespace FleetMonitor.Probes.Tls;

/// <summary>One thing wrong with a server certificate: the finding code, how bad it is, and why.</summary>
internal sealed record TlsFinding(string Code, ProbeOutcome Severity, string Message);
