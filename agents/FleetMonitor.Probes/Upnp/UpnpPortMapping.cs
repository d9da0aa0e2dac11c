namespace FleetMonitor.Probes.Upnp;

/// <summary>One entry of an IGD's port mapping table (GetGenericPortMappingEntry).</summary>
internal sealed record UpnpPortMapping(
    string RemoteHost, int ExternalPort, string Protocol, int InternalPort, string InternalClient, bool Enabled, string Description, long LeaseDuration)
{
    /// <summary>For the <c>mappings</c> fact: <c>UDP 5060 -&gt; 10.0.0.2:5060 "desc"</c>, with the remote host when one is set.</summary>
    public override string ToString() =>
        $"{Protocol} {ExternalPort} -> {InternalClient}:{InternalPort}" +
        (RemoteHost.Length > 0 ? $" from {RemoteHost}" : "") +
        (Enabled ? "" : " (disabled)") +
        (Description.Length > 0 ? $" \"{Description}\"" : "");
}
