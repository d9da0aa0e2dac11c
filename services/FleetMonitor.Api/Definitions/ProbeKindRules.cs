using System.Globalization;
using System.Net;

namespace FleetMonitor.Api.Definitions;

/// <summary>
/// The probe kinds the agents' probe library runs, with their targets and parameters as that library documents them
/// (agents/FleetMonitor.Probes, each probe's remarks). The Reflector credential (<c>username</c>, <c>password</c>) is
/// not among them: each agent adds its own.
/// </summary>
internal static class ProbeKindRules
{
    private static readonly Func<string, string?> Bool = v => v is "true" or "false" ? null : "Must be true or false.";
    private static readonly Func<string, string?> Text = v => string.IsNullOrWhiteSpace(v) || v.Length > 500 ? "Must be non-empty text of at most 500 characters." : null;
    private static readonly Func<string, string?> HostName = v => Uri.CheckHostName(v) == UriHostNameType.Dns ? null : "Must be a DNS name.";
    private static readonly Func<string, string?> PortRange = v => ParsePortRange(v) ? null : "Must be a port or a range first-last (1..65535).";

    private static readonly Dictionary<string, Func<string, string?>> TlsParameters = new(StringComparer.Ordinal)
    {
        ["min_days"] = Int(0, 3650),
        ["ca_file"] = Text,
    };

    public static IReadOnlyDictionary<string, ProbeKindRule> All { get; } = new ProbeKindRule[]
    {
        new("tcp", HostPort(required: true), With(TlsParameters, ("tls", Bool), ("sni", HostName)), _ => 1, "a connection"),
        new("http", HttpUrl, With(TlsParameters, ("method", OneOf("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS")), ("expect_status", Text)), _ => 1, "a request"),
        new("dns", v => Uri.CheckHostName(v) == UriHostNameType.Dns ? null : "Must be a domain name, such as pbx.example.com.",
            With(new(), ("resolver", v => IPEndPoint.TryParse(v, out _) ? null : "Must be ip, ip:port or [ipv6]:port.")), _ => 1, "the queries"),
        new("sip", HostPort(required: false), With(TlsParameters, ("transport", OneOf("udp", "tcp", "tls")), ("sni", HostName)), _ => 1, "an OPTIONS transaction"),
        new("media", HostPort(required: true),
            With(new(), ("packet_bytes", Int(24, 1200)), ("interval_ms", Int(1, 1000)), ("count", Int(1, 10_000)), ("local_ports", PortRange),
                ("max_loss_percent", Number(0, 100)), ("max_jitter_ms", Number(0, 10_000)), ("min_mos", Number(1, 4.5))),
            p => (int)Math.Ceiling(IntOr(p, "count", 250) * IntOr(p, "interval_ms", 20) / 1000.0) + 1,
            "count × interval_ms of stream plus a second for the last echoes"),
        new("nat", HostPort(required: true),
            With(new(), ("max_lifetime_s", Int(0, 3600)), ("keepalive_s", Int(1, 3600)), ("rto_ms", Int(100, 10_000)), ("rc", Int(1, 7)), ("rm", Int(1, 16))),
            p => IntOr(p, "max_lifetime_s", 120) == 0 ? 6 : IntOr(p, "max_lifetime_s", 120) + 5,
            "max_lifetime_s + 5 s for the binding lifetime search (6 s without it)"),
        new("sip-alg", HostPort(required: false), With(new(), ("transports", v => v.Split(',').All(t => t is "udp" or "tcp") ? null : "Must be a comma-separated list of udp and tcp."), ("method", OneOf("invite", "options"))), _ => 1, "the mirror's verdict"),
        new("exposure", HttpUrl, With(new(), ("forbidden", Text), ("rtp_range", PortRange), ("rtp_sample", Int(0, 64))), _ => 5, "the Reflector's scan"),
        new("upnp", v => v is "" or "ssdp" || (Uri.TryCreate(v, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttp) ? null : "Must be 'ssdp' or the http:// URL of the gateway's device description.",
            With(new(), ("ssdp_address", v => IPEndPoint.TryParse(v, out var e) && e.Port != 0 ? null : "Must be ip:port."), ("ssdp_wait_ms", Int(100, 30_000)),
                ("rtp_range", PortRange), ("wide_range", Int(2, 65535)), ("max_mappings", Int(1, 256))),
            p => (int)Math.Ceiling(IntOr(p, "ssdp_wait_ms", 2000) / 1000.0) + 1, "ssdp_wait_ms plus a second to read the mappings"),
    }.ToDictionary(r => r.Kind, StringComparer.Ordinal);

    private static Func<string, string?> HostPort(bool required) => value =>
    {
        var message = required ? "Must be host:port, such as pbx.example.com:5061 or [2001:db8::1]:5060." : "Must be host or host:port.";
        if (Uri.TryCreate("tcp://" + value, UriKind.Absolute, out var uri) && uri.PathAndQuery == "/" && uri.UserInfo.Length == 0
            && uri.Host.Length > 0 && (uri.Port is > 0 and <= 65535 || (!required && uri.IsDefaultPort)))
        {
            var hasPort = value.LastIndexOf(':') > value.LastIndexOf(']');
            return required && !hasPort ? message : null;
        }

        return message;
    };

    private static string? HttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0
            ? null
            : "Must be an absolute http:// or https:// URL.";

    private static Func<string, string?> Int(int min, int max) => v =>
        int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? null : $"Must be a whole number from {min} to {max}.";

    private static Func<string, string?> Number(double min, double max) => v =>
        double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? null : $"Must be a number from {min} to {max}.";

    private static Func<string, string?> OneOf(params string[] values) => v =>
        values.Contains(v, StringComparer.Ordinal) ? null : $"Must be one of {string.Join(", ", values)}.";

    private static int IntOr(IReadOnlyDictionary<string, string> parameters, string name, int fallback) =>
        parameters.TryGetValue(name, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static bool ParsePortRange(string value)
    {
        var parts = value.Split('-');
        return parts.Length is 1 or 2
            && parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535)
            && (parts.Length == 1 || int.Parse(parts[0], CultureInfo.InvariantCulture) <= int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static Dictionary<string, Func<string, string?>> With(Dictionary<string, Func<string, string?>> common, params (string Name, Func<string, string?> Check)[] own)
    {
        var all = new Dictionary<string, Func<string, string?>>(common, StringComparer.Ordinal);
        foreach (var (name, check) in own)
        {
            all[name] = check;
        }

        return all;
    }
}
