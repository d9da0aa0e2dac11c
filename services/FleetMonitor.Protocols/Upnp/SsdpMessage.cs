using System.Globalization;
using System.Text;

namespace FleetMonitor.Protocols.Upnp;

/// <summary>SSDP (UPnP Device Architecture 1.1, section 1.3) M-SEARCH requests and the HTTPU responses to them.</summary>
internal static class SsdpMessage
{
    public const string MulticastHost = "239.255.255.250";
    public const int Port = 1900;
    public const string IgdV1 = "urn:schemas-upnp-org:device:InternetGatewayDevice:1";
    public const string IgdV2 = "urn:schemas-upnp-org:device:InternetGatewayDevice:2";

    /// <summary>The largest SSDP response read; real ones are a few hundred bytes.</summary>
    public const int MaxResponseBytes = 2048;

    /// <summary>An M-SEARCH for <paramref name="searchTarget"/>; <paramref name="host"/> is the multicast group or, for a unicast search, the device's address and port.</summary>
    public static byte[] Search(string host, string searchTarget, int maxWaitSeconds) => Encoding.ASCII.GetBytes(
        "M-SEARCH * HTTP/1.1\r\n" +
        $"HOST: {host}\r\n" +
        "MAN: \"ssdp:discover\"\r\n" +
        $"MX: {maxWaitSeconds.ToString(CultureInfo.InvariantCulture)}\r\n" +
        $"ST: {searchTarget}\r\n" +
        "USER-AGENT: FleetMonitor/1.0 UPnP/1.1 FleetMonitor/1.0\r\n" +
        "\r\n");

    /// <summary>
    /// The headers of an <c>HTTP/1.1 200</c> SSDP response, names upper-cased; null for anything else (a NOTIFY, another
    /// M-SEARCH, garbage).
    /// </summary>
    public static Dictionary<string, string>? ParseResponse(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length is 0 or > MaxResponseBytes)
            return null;
        var text = Encoding.ASCII.GetString(datagram);
        var lines = text.Split("\r\n");
        var status = lines[0].Split(' ', 3);
        if (status.Length < 2 || !status[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || status[1] != "200")
            return null;
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0)
                break;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
                continue;
            headers.TryAdd(line[..colon].Trim().ToUpperInvariant(), line[(colon + 1)..].Trim());
        }

        return headers;
    }
}
