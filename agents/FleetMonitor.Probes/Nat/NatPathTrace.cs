using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;

namespace FleetMonitor.Probes.Nat;

/// <summary>
/// The first routers on the way to the STUN server, found with TTL-limited ICMP echo requests (one hop at a time, as
/// traceroute does): each router where the TTL runs out answers "time exceeded" from its own address. A hop in
/// 100.64.0.0/10 beyond the home router is a carrier-grade NAT the mapped address cannot show (the outer NAT's public
/// address is all the server sees). Needs raw or ICMP datagram sockets (root, CAP_NET_RAW or
/// <c>net.ipv4.ping_group_range</c>); where neither is allowed the trace reports why and the probe goes on.
/// </summary>
internal static class NatPathTrace
{
    /// <summary>Hops looked at: a carrier-grade NAT sits within the first few.</summary>
    public const int MaxHops = 4;

    private static readonly TimeSpan HopWait = TimeSpan.FromSeconds(1);
    private static readonly byte[] Payload = new byte[16];

    /// <summary>The address answering at each TTL from 1 (null where none answered), up to the server or <see cref="MaxHops"/>; or why it could not run.</summary>
    public static async Task<(IReadOnlyList<IPAddress?> Hops, string? Failure)> TraceAsync(IPAddress server, CancellationToken cancellationToken)
    {
        var hops = new List<IPAddress?>();
        try
        {
            using var ping = new Ping();
            for (var ttl = 1; ttl <= MaxHops; ttl++)
            {
                var reply = await ping.SendPingAsync(server, HopWait, Payload, new PingOptions(ttl, dontFragment: true), cancellationToken);
                switch (reply.Status)
                {
                    case IPStatus.TtlExpired or IPStatus.TimeExceeded:
                        hops.Add(reply.Address);
                        break;
                    case IPStatus.Success:
                        hops.Add(reply.Address);
                        return (hops, null);
                    default:
                        hops.Add(null);
                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The deadline: what was found so far still counts.
        }
        catch (Exception e) when (e is PingException or PlatformNotSupportedException or UnauthorizedAccessException or InvalidOperationException)
        {
            return (hops, e.InnerException?.Message ?? e.Message);
        }

        return (hops, null);
    }

    /// <summary><c>1=10.0.0.1 2=100.64.0.1 3=*</c>: the hops as the <c>path_hops</c> fact shows them.</summary>
    public static string Describe(IReadOnlyList<IPAddress?> hops) =>
        string.Join(' ', hops.Select((h, i) => string.Create(CultureInfo.InvariantCulture, $"{i + 1}={h?.ToString() ?? "*"}")));
}
