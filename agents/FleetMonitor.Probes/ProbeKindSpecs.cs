namespace FleetMonitor.Probes;

/// <summary>
/// The one list of each probe kind's parameter names and default timeout: the probes refuse a parameter not listed here
/// (an unknown parameter silently skipped can make a probe say ok), and the Api and the agent validate with it.
/// </summary>
public static class ProbeKindSpecs
{
    private static readonly string[] Tls = ["tls", "sni", "min_days", "ca_file"];

    /// <summary>Every kind the library has.</summary>
    public static IReadOnlyDictionary<string, ProbeKindSpec> All { get; } = new Dictionary<string, ProbeKindSpec>(StringComparer.Ordinal)
    {
        ["tcp"] = new("tcp", TimeSpan.FromSeconds(10), Tls),
        ["http"] = new("http", TimeSpan.FromSeconds(10), ["method", "expect_status", "min_days", "ca_file"]),
        ["dns"] = new("dns", TimeSpan.FromSeconds(10), ["resolver"]),
        ["sip"] = new("sip", TimeSpan.FromSeconds(10), ["transport", "sni", "min_days", "ca_file"]),

        // 250 packets of 20 ms, then the last echoes.
        ["media"] = new("media", TimeSpan.FromSeconds(15),
            ["packet_bytes", "interval_ms", "count", "local_ports", "max_loss_percent", "max_jitter_ms", "min_mos"]),

        // max_lifetime_s 120 needs its window plus the time to conclude the last trial and report (Nat.NatRun.PlanLifetime).
        ["nat"] = new("nat", TimeSpan.FromSeconds(130), ["username", "password", "max_lifetime_s", "keepalive_s", "rto_ms", "rc", "rm"]),
        ["sip-alg"] = new("sip-alg", TimeSpan.FromSeconds(10), ["transports", "method", "ports"]),

        // Above the Reflector's scan time limit (20 s by default) plus the request itself.
        ["exposure"] = new("exposure", TimeSpan.FromSeconds(30), ["username", "password", "forbidden", "ports", "rtp_range", "rtp_sample"]),

        // Discovery (2 s) and up to 256 GetGenericPortMappingEntry calls, four at a time: on a machine with a load of 45-60
        // on 2 cores the probe read 86 mappings from miniupnpd in 30 s, so 256 need about a minute there.
        ["upnp"] = new("upnp", TimeSpan.FromSeconds(60), ["ssdp_address", "ssdp_wait_ms", "rtp_range", "wide_range", "max_mappings"]),
    };

    /// <summary>Null when every name in <paramref name="names"/> is a parameter of <paramref name="kind"/>; otherwise why not, naming the first unknown one.</summary>
    public static string? UnknownParameter(string kind, IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(names);
        if (!All.TryGetValue(kind, out var spec))
            return $"'{kind}' is not a probe kind; kinds: {string.Join(", ", All.Keys)}";
        foreach (var name in names)
        {
            if (!spec.Parameters.Contains(name, StringComparer.Ordinal))
            {
                return spec.Parameters.Count == 0
                    ? $"'{name}' is not a parameter of the {kind} probe, which takes none"
                    : $"'{name}' is not a parameter of the {kind} probe; it takes {string.Join(", ", spec.Parameters)}";
            }
        }

        return null;
    }
}
