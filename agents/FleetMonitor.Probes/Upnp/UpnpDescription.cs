using System.Xml.Linq;

namespace FleetMonitor.Probes.Upnp;

/// <summary>What the probe needs from an IGD's device description: the WAN connection service and its control URL.</summary>
internal sealed record UpnpDescription(string ServiceType, Uri ControlUrl, string? FriendlyName, string? ModelName)
{
    private static readonly string[] WanServices =
    [
        "urn:schemas-upnp-org:service:WANIPConnection:",
        "urn:schemas-upnp-org:service:WANPPPConnection:",
    ];

    /// <summary>
    /// The first WANIPConnection (preferred) or WANPPPConnection service of <paramref name="document"/>, its control URL
    /// resolved against URLBase or else <paramref name="location"/>; null when there is none.
    /// </summary>
    public static UpnpDescription? Find(XDocument document, Uri location)
    {
        ArgumentNullException.ThrowIfNull(document);
        var root = document.Root;
        if (root is null)
            return null;
        var services = root.Descendants().Where(e => e.Name.LocalName == "service").ToArray();
        foreach (var prefix in WanServices)
        {
            foreach (var service in services)
            {
                var type = UpnpXml.Child(service, "serviceType");
                var control = UpnpXml.Child(service, "controlURL");
                if (type is null || control is null || !type.StartsWith(prefix, StringComparison.Ordinal))
                    continue;
                var baseUrl = UpnpXml.Child(root, "URLBase") is { Length: > 0 } urlBase && Uri.TryCreate(urlBase, UriKind.Absolute, out var parsed)
                    ? parsed
                    : location;
                if (!Uri.TryCreate(baseUrl, control, out var controlUrl) || controlUrl.Scheme != Uri.UriSchemeHttp)
                    continue;
                var device = root.Descendants().FirstOrDefault(e => e.Name.LocalName == "device");
                return new UpnpDescription(type, controlUrl,
                    device is null ? null : UpnpXml.Child(device, "friendlyName"),
                    device is null ? null : UpnpXml.Child(device, "modelName"));
            }
        }

        return null;
    }
}
