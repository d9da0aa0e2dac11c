using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using FleetMonitor.Protocols.Tcp;

namespace FleetMonitor.Protocols.Sip;

/// <summary>A parsed <c>host</c>, <c>host:port</c>, <c>[IPv6]</c> or <c>[IPv6]:port</c> SIP target.</summary>
internal sealed record SipTarget(string Host, int Port)
{
    /// <summary>The host as it goes into a SIP URI or Via: IPv6 addresses in brackets.</summary>
    public string UriHost => IPAddress.TryParse(Host, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6
        ? $"[{Host}]"
        : Host;

    /// <summary>Parses <paramref name="text"/>; without a port, <paramref name="defaultPort"/> (5060, or 5061 for TLS).</summary>
    public static bool TryParse(string? text, int defaultPort, [NotNullWhen(true)] out SipTarget? target)
    {
        target = null;
        if (string.IsNullOrEmpty(text))
            return false;

        if (TcpTarget.TryParse(text, out var withPort))
        {
            target = new SipTarget(withPort.Host, withPort.Port);
            return true;
        }

        if (text[0] == '[' && text[^1] == ']')
        {
            var literal = text[1..^1];
            if (!IPAddress.TryParse(literal, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
                return false;
            target = new SipTarget(literal, defaultPort);
            return true;
        }

        if (text.Contains(':', StringComparison.Ordinal) || Uri.CheckHostName(text) is not (UriHostNameType.Dns or UriHostNameType.IPv4))
            return false;
        target = new SipTarget(text, defaultPort);
        return true;
    }
}
