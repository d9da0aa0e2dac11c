using System.Net;
using System.Net.Sockets;

namespace FleetMonitor.Probes.Nat;

/// <summary>Where a mapped address lives: what a second NAT in front of the home router would show (RFC 6598, RFC 1918, RFC 4193).</summary>
internal static class AddressScope
{
    public const string Public = "public";

    /// <summary>100.64.0.0/10, the shared address space of carrier-grade NAT (RFC 6598).</summary>
    public const string Shared = "shared";

    /// <summary>10/8, 172.16/12, 192.168/16 (RFC 1918) or IPv6 unique local fc00::/7 (RFC 4193).</summary>
    public const string Private = "private";

    public static string Of(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            if (bytes[0] == 100 && (bytes[1] & 0xC0) == 64)
                return Shared;
            if (bytes[0] == 10 || (bytes[0] == 172 && (bytes[1] & 0xF0) == 16) || (bytes[0] == 192 && bytes[1] == 168))
                return Private;
            return Public;
        }

        return (bytes[0] & 0xFE) == 0xFC ? Private : Public;
    }
}
