using System.Net;
using System.Net.Sockets;
using FleetMonitor.Protocols.Upnp;

namespace FleetMonitor.Probes.Upnp;

/// <summary>
/// Finds Internet Gateway Devices with SSDP: M-SEARCH for InternetGatewayDevice:1 and :2, sent twice (UDP may lose
/// one), and every answer within the wait whose LOCATION is an http URL on the answering host itself.
/// </summary>
internal static class SsdpDiscovery
{
    private const int MaxResponses = 64;

    public static async Task<IReadOnlyList<SsdpResponse>> SearchAsync(IPEndPoint destination, TimeSpan wait, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var socket = new Socket(destination.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(destination.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
        var multicast = IsMulticast(destination.Address);
        if (multicast && destination.AddressFamily == AddressFamily.InterNetwork)
        {
            // UDA 1.1: TTL 2 by default. The LAN's router does not route multicast, so it stays on the LAN.
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 2);
        }

        var host = multicast ? $"{SsdpMessage.MulticastHost}:{SsdpMessage.Port}" : destination.ToString();
        byte[][] searches =
        [
            SsdpMessage.Search(host, SsdpMessage.IgdV1, maxWaitSeconds: 1),
            SsdpMessage.Search(host, SsdpMessage.IgdV2, maxWaitSeconds: 1),
        ];

        var responses = new List<SsdpResponse>();
        var buffer = new byte[SsdpMessage.MaxResponseBytes + 1];
        var started = timeProvider.GetTimestamp();
        var resent = false;
        foreach (var search in searches)
            await socket.SendToAsync(search, SocketFlags.None, destination, cancellationToken);

        while (responses.Count < MaxResponses)
        {
            var elapsed = timeProvider.GetElapsedTime(started);
            if (!resent && elapsed >= wait / 3)
            {
                resent = true;
                foreach (var search in searches)
                    await socket.SendToAsync(search, SocketFlags.None, destination, cancellationToken);
            }

            var left = (resent ? wait : wait / 3) - elapsed;
            if (left <= TimeSpan.Zero)
            {
                if (resent)
                    break;
                continue;
            }

            using var window = new CancellationTokenSource(left, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, window.Token);
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(destination.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0), linked.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                continue;
            }
            catch (SocketException)
            {
                // An ICMP error for the unicast search (nothing listens there): keep waiting for others.
                continue;
            }

            var source = (IPEndPoint)received.RemoteEndPoint;
            if (SsdpMessage.ParseResponse(buffer.AsSpan(0, received.ReceivedBytes)) is not { } headers
                || !headers.TryGetValue("LOCATION", out var locationText)
                || !Uri.TryCreate(locationText, UriKind.Absolute, out var location) || location.Scheme != Uri.UriSchemeHttp)
            {
                continue;
            }

            // The description must come from the device that answered, not from any host an answer names.
            if (!IPAddress.TryParse(location.Host.Trim('[', ']'), out var locationAddress)
                || !UpnpMappingRules.Normalize(locationAddress).Equals(UpnpMappingRules.Normalize(source.Address)))
            {
                continue;
            }

            if (responses.Any(r => r.Location == location))
                continue;
            responses.Add(new SsdpResponse(source, location, headers.GetValueOrDefault("ST"), headers.GetValueOrDefault("SERVER")));
        }

        return responses;
    }

    private static bool IsMulticast(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6
        ? address.IsIPv6Multicast
        : (address.GetAddressBytes()[0] & 0xF0) == 0xE0;
}
