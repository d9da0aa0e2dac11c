using System.Net;

namespace FleetMonitor.Probes.Net;

/// <summary>The addresses a host name resolved to, or why it did not; <see cref="LookedUp"/> is false for an address literal.</summary>
internal sealed record ResolveResult(IReadOnlyList<IPAddress> Addresses, bool LookedUp, NetworkFailure? Failure);
