namespace FleetMonitor.Probes.Upnp;

/// <summary>A SOAP action's out arguments by name, or the UPnP error it failed with (<c>errorCode</c> 713 ends a mapping listing).</summary>
internal sealed record UpnpSoapResult(IReadOnlyDictionary<string, string>? Arguments, int? ErrorCode, string? Error)
{
    public bool Succeeded => Arguments is not null;

    public string Argument(string name) => Arguments?.GetValueOrDefault(name) ?? "";
}
