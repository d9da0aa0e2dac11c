using System.Net;

namespace FleetMonitor.Probes.Upnp;

/// <summary>One answer to the M-SEARCH: who sent it and its headers.</summary>
internal sealed record SsdpResponse(IPEndPoint Source, Uri Location, string? SearchTarget, string? Server);
