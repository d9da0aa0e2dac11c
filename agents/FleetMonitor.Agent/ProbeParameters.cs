using System.Collections.Frozen;
using FleetMonitor.Probes;

namespace FleetMonitor.Agent;

/// <summary>
/// The parameters each probe kind reads, with a line of help each: the command line offers exactly these as options and
/// the configuration is refused when a probe definition names another, so that a misspelt parameter is never ignored.
/// </summary>
internal static class ProbeParameters
{
    private static readonly (string Name, string Help)[] Tls =
    [
        ("ca_file", "PEM file of extra trusted roots (a private PBX CA)"),
        ("min_days", "warn when the certificate ends within this many days (14)"),
    ];

    private static readonly FrozenDictionary<string, (string Name, string Help)[]> ByKind = new Dictionary<string, (string, string)[]>(StringComparer.Ordinal)
    {
        ["tcp"] = [("tls", "true to do a TLS handshake after connecting"), ("sni", "the server name to send and check the certificate against"), .. Tls],
        ["http"] = [("method", "HTTP method (GET)"), ("expect_status", "accepted status: 200, 2xx, 200-399 (2xx)"), .. Tls],
        ["dns"] = [("resolver", "ip[:port] of the resolver to ask (the system's)")],
        ["sip"] = [("transport", "udp, tcp or tls (udp)"), ("sni", "the server name for tls"), .. Tls],
        ["nat"] =
        [
            ("username", "the agent's Reflector user name"), ("password", "the agent's Reflector password"),
            ("max_lifetime_s", "binding lifetime search window in seconds (120; 0 skips it)"),
            ("keepalive_s", "the phone's keep-alive interval (30)"), ("rto_ms", "STUN retransmission timeout"),
            ("rc", "STUN transmissions per request"), ("rm", "STUN last wait factor"),
        ],
        ["sip-alg"] = [("transports", "udp,tcp (both)"), ("method", "invite or options"), ("ports", "mirror ports to check (the target's and 5060)")],
        ["exposure"] =
        [
            ("username", "the agent's Reflector user name"), ("password", "the agent's Reflector password"),
            ("forbidden", "ports that must be closed: all, none or a list such as 5060/udp,22"),
            ("rtp_range", "the phone's RTP port range, e.g. 16384-16484"), ("rtp_sample", "RTP ports sampled from that range"),
        ],
        ["upnp"] =
        [
            ("ssdp_address", "where the M-SEARCH goes (239.255.255.250:1900)"), ("ssdp_wait_ms", "how long to wait for answers (2000)"),
            ("wide_range", "a mapping of this many ports or more is reported as wide (10)"),
            ("max_mappings", "most mappings read from the router"), ("rtp_range", "the phone's RTP port range"),
        ],
        ["media"] =
        [
            ("count", "packets to send (250)"), ("interval_ms", "between packets (20)"), ("packet_bytes", "packet size (172)"),
            ("local_ports", "send from this port or range (16384-16484)"), ("max_loss_percent", "degraded above this loss (1)"),
            ("max_jitter_ms", "degraded above this jitter (30)"), ("min_mos", "degraded below this MOS (3.6)"),
        ],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// The parameters <paramref name="kind"/> reads, or none for a kind the probe library does not know: the names are the
    /// library's own list (<see cref="ProbeKindSpecs"/>), the help lines this table's.
    /// </summary>
    public static IReadOnlyList<(string Name, string Help)> For(string kind)
    {
        if (!ProbeKindSpecs.All.TryGetValue(kind, out var spec))
        {
            return [];
        }

        // The help table's order first (the command line lists them so), then any name it has no line for.
        var help = ByKind.TryGetValue(kind, out var lines) ? lines : [];
        return [.. help.Where(h => spec.Parameters.Contains(h.Name)), .. spec.Parameters.Where(n => !help.Any(h => h.Name == n)).Select(n => (n, ""))];
    }

    /// <summary>Whether <paramref name="kind"/> reads <paramref name="name"/>.</summary>
    public static bool IsKnown(string kind, string name) => For(kind).Any(p => p.Name == name);
}
