using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FleetMonitor.Protocols.Tcp;

/// <summary>A parsed <c>host:port</c> or <c>[IPv6]:port</c> target.</summary>
internal sealed record TcpTarget(string Host, int Port)
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out TcpTarget? target)
    {
        target = null;
        if (string.IsNullOrEmpty(text))
            return false;

        string host;
        string portText;
        if (text[0] == '[')
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
                return false;
            host = text[1..close];
            portText = text[(close + 2)..];
            if (!IPAddress.TryParse(host, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
                return false;
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon <= 0)
                return false;
            host = text[..colon];
            portText = text[(colon + 1)..];

            // A bare IPv6 address is ambiguous with its port; it must come in brackets.
            if (host.Contains(':', StringComparison.Ordinal) || Uri.CheckHostName(host) == UriHostNameType.Unknown)
                return false;
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            return false;

        target = new TcpTarget(host, port);
        return true;
    }
}
