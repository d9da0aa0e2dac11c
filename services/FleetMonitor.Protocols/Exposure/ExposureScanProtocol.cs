using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FleetMonitor.Protocols.Exposure;

/// <summary>
/// The agent-to-Reflector connect-back scan protocol, one definition for both ends.
/// </summary>
/// <remarks>
/// <para><c>POST /api/exposure/scan</c> with an <see cref="ExposureScanRequest"/> as JSON. The request authenticates
/// with HMAC-SHA256 under the agent's password (the Reflector's per-agent credential) over
/// <c>fleetmonitor-exposure-scan-v1 LF username LF timestamp LF nonce LF rtpRange LF rtpSample</c> (absent values
/// empty), followed by <c>LF ports</c> when the request names ports. The Reflector accepts it only within <c>MaxClockSkew</c> of its clock and only once per nonce (replays are
/// refused), then scans the request's source address, never another.</para>
/// <para>Answers: 200 with an <see cref="ExposureScanResult"/> and the header <see cref="MacHeader"/>, HMAC-SHA256
/// under the same password over <c>fleetmonitor-exposure-result-v1 LF nonce LF</c> followed by the exact body bytes,
/// so that a network in between cannot pass off a forged "nothing open"; 400 for a malformed request or one naming
/// anything else (an address included); 401 for an unknown user, a bad MAC, a stale timestamp or a replayed nonce;
/// 413 for a body over <see cref="MaxRequestBytes"/>; 429 with <c>Retry-After</c> when the agent or the address has
/// used its scans or a scan of that address is running; 503 when the Reflector runs as many scans as it may.</para>
/// </remarks>
public static class ExposureScanProtocol
{
    public const string Path = "/api/exposure/scan";

    /// <summary>The response header carrying the result's HMAC (lower-case hex).</summary>
    public const string MacHeader = "X-FleetMonitor-Mac";

    /// <summary>The largest request body the Reflector reads.</summary>
    public const int MaxRequestBytes = 4096;

    /// <summary>The most RTP ports one request may ask to sample; a Reflector may sample fewer.</summary>
    public const int MaxRtpSample = 8;

    /// <summary>The most ports one request may name in <see cref="ExposureScanRequest.Ports"/> (besides <see cref="DefaultPorts"/>).</summary>
    public const int MaxRequestedPorts = 32;

    /// <summary>The entry of <see cref="ExposureScanRequest.Ports"/> that stands for the Reflector's own list.</summary>
    public const string DefaultPorts = "default";

    /// <summary>Nonces are 128 random bits in hex.</summary>
    public const int NonceHexLength = 32;

    private const string RequestLabel = "fleetmonitor-exposure-scan-v1";
    private const string ResultLabel = "fleetmonitor-exposure-result-v1";

    /// <summary>camelCase JSON that refuses members it does not know, so that a request cannot carry anything the MAC does not cover.</summary>
    public static JsonSerializerOptions JsonOptions => ExposureScanJsonContext.Default.Options;

    public static string NewNonce() => RandomNumberGenerator.GetHexString(NonceHexLength, lowercase: true);

    /// <summary>The request's MAC under <paramref name="password"/>, lower-case hex.</summary>
    public static string RequestMac(string password, ExposureScanRequest request)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(request);
        var message = string.Join('\n',
            RequestLabel,
            request.Username,
            request.Timestamp.ToString(CultureInfo.InvariantCulture),
            request.Nonce,
            request.RtpRange ?? "",
            request.RtpSample?.ToString(CultureInfo.InvariantCulture) ?? "");
        if (request.Ports is { } ports)
            message += "\n" + ports;
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(message)));
    }

    /// <summary>
    /// Parses a list of ports to scan: <c>port/tcp</c>, <c>port/udp</c> and <see cref="DefaultPorts"/>, comma-separated,
    /// at most <see cref="MaxRequestedPorts"/> ports besides <c>default</c>, no repeats; the canonical text (as signed and
    /// sent) or why it cannot be used.
    /// </summary>
    public static (string? Canonical, bool Default, IReadOnlyList<ExposurePort> Ports, string? Error) ParsePorts(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ports = new List<ExposurePort>();
        var withDefault = false;
        foreach (var entry in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (entry.Equals(DefaultPorts, StringComparison.OrdinalIgnoreCase) && !withDefault)
                withDefault = true;
            else if (ExposurePort.TryParse(entry, out var port) && !ports.Contains(port))
                ports.Add(port);
            else
                return (null, false, [], $"'{entry}' is not port/tcp, port/udp or {DefaultPorts} (once each)");
        }

        if (ports.Count > MaxRequestedPorts)
            return (null, false, [], $"at most {MaxRequestedPorts} ports besides {DefaultPorts}, not {ports.Count}");
        if (ports.Count == 0 && !withDefault)
            return (null, false, [], "no ports");
        var canonical = string.Join(',', (withDefault ? [DefaultPorts] : Array.Empty<string>()).Concat(ports.Select(p => p.ToString())));
        return (canonical, withDefault, ports, null);
    }

    /// <summary>The result's MAC under <paramref name="password"/> for the request with <paramref name="nonce"/>, lower-case hex.</summary>
    public static string ResultMac(string password, string nonce, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(nonce);
        var label = Encoding.UTF8.GetBytes($"{ResultLabel}\n{nonce}\n");
        var message = new byte[label.Length + body.Length];
        label.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(label.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(password), message));
    }

    /// <summary>Compares two hex MACs in constant time; false for anything that is not the same length of hex.</summary>
    public static bool MacEquals(string expected, string? actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (actual is null || actual.Length != expected.Length)
            return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(actual.ToLowerInvariant()));
    }
}
