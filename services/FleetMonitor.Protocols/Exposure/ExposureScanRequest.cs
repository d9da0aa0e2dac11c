namespace FleetMonitor.Protocols.Exposure;

/// <summary>
/// The body of <c>POST /api/exposure/scan</c>: who asks, when, a fresh nonce, the optional RTP range to sample, and the
/// HMAC over all of it (<see cref="ExposureScanProtocol.RequestMac"/>). It names no address: the Reflector scans the
/// address the request comes from, and refuses a body with any member not listed here.
/// </summary>
public sealed record ExposureScanRequest
{
    /// <summary>The agent's user name among the Reflector's credentials.</summary>
    public required string Username { get; init; }

    /// <summary>Unix time in seconds when the agent made the request; the Reflector accepts a small clock skew only.</summary>
    public required long Timestamp { get; init; }

    /// <summary>32 lower-case hex digits (128 random bits), never used twice: the Reflector refuses a nonce it has seen.</summary>
    public required string Nonce { get; init; }

    /// <summary>The site's RTP port range to sample over UDP, <c>first-last</c>, such as <c>10000-20000</c>; null for none.</summary>
    public string? RtpRange { get; init; }

    /// <summary>How many ports of <see cref="RtpRange"/> to scan, evenly spread (the Reflector caps it).</summary>
    public int? RtpSample { get; init; }

    /// <summary>
    /// The ports the site wants scanned, canonical <see cref="ExposureScanProtocol.ParsePorts"/> text such as
    /// <c>default,8089/tcp</c>; null for the Reflector's own list.
    /// </summary>
    public string? Ports { get; init; }

    /// <summary>HMAC-SHA256 of the fields above under the agent's password, lower-case hex.</summary>
    public required string Mac { get; init; }
}
