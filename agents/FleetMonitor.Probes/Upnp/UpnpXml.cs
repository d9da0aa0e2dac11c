using System.Xml;
using System.Xml.Linq;

namespace FleetMonitor.Probes.Upnp;

/// <summary>Parses XML from a LAN device safely: no DTD, no external entities, a size limit.</summary>
internal static class UpnpXml
{
    public const int MaxBytes = 256 * 1024;

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = MaxBytes,
        IgnoreComments = true,
    };

    /// <summary>The document, or null when it is not well-formed XML within the limits.</summary>
    public static XDocument? Parse(byte[] data)
    {
        try
        {
            using var stream = new MemoryStream(data, writable: false);
            using var reader = XmlReader.Create(stream, Settings);
            return XDocument.Load(reader);
        }
        catch (XmlException)
        {
            return null;
        }
    }

    /// <summary>The trimmed text of the first child of <paramref name="element"/> with local name <paramref name="name"/>, whatever its namespace.</summary>
    public static string? Child(XElement element, string name) =>
        element.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value.Trim();
}
