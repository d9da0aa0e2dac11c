using System.Net;
using System.Net.Sockets;

namespace FleetMonitor.Alerting.Correlation;

/// <summary>The public network of an agent: the /24 (IPv4) or /48 (IPv6) of the address its NAT probe observed.</summary>
public static class PublicNetwork
{
    /// <summary>The fact of the NAT probe that holds the observed (mapped) address and port.</summary>
    public const string MappedAddressFact = "mapped_address";

    /// <summary>The network of a mapped address (<c>203.0.113.7:40001</c> → <c>203.0.113.0/24</c>), or null when it is not one.</summary>
    public static string? Of(IReadOnlyDictionary<string, string> facts)
    {
        if (!facts.TryGetValue(MappedAddressFact, out var text) || !IPEndPoint.TryParse(text, out var endPoint))
        {
            return null;
        }

        var address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        var prefix = address.AddressFamily == AddressFamily.InterNetwork ? 24 : 48;
        var bytes = address.GetAddressBytes();
        for (var bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return $"{new IPAddress(bytes)}/{prefix}";
    }
}
