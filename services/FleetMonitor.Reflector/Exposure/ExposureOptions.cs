using System.ComponentModel.DataAnnotations;
using FleetMonitor.Protocols.Exposure;

namespace FleetMonitor.Reflector.Exposure;

/// <summary>What the connect-back scanner scans, how long it waits, and how often one agent or one address may ask.</summary>
public sealed class ExposureOptions : IValidatableObject
{
    public const string SectionName = "Reflector:Exposure";

    /// <summary>
    /// The most ports a configured list may hold: every scan is bounded by this plus
    /// <see cref="ExposureScanProtocol.MaxRequestedPorts"/> and <see cref="MaxRtpSample"/>.
    /// </summary>
    public const int MaxPorts = 64;

    /// <summary>
    /// The ports scanned when <see cref="Ports"/> is empty: SIP, the remote-admin ports, TR-069, UPnP, NAT-PMP and DNS
    /// (the ports on a home router's public address that matter to an IP phone's site).
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultPorts =
    [
        "5060/udp", "5060/tcp", "5061/tcp", "22/tcp", "23/tcp", "80/tcp", "443/tcp", "8080/tcp", "8443/tcp", "3389/tcp",
        "7547/tcp", "1900/udp", "5000/tcp", "5351/udp", "53/udp",
    ];

    /// <summary>Ports to scan, <c>port/tcp</c> or <c>port/udp</c>; empty means <see cref="DefaultPorts"/> (a list the binder appends to cannot hold a default).</summary>
    public IList<string> Ports { get; } = [];

    /// <summary>The most ports of the agent's RTP range one scan samples over UDP (a request may ask for up to <see cref="ExposureScanProtocol.MaxRtpSample"/>; more than this are not scanned).</summary>
    [Range(0, ExposureScanProtocol.MaxRtpSample)]
    public int MaxRtpSample { get; set; } = 8;

    /// <summary>
    /// Whether a request may name the ports to scan (at most <see cref="ExposureScanProtocol.MaxRequestedPorts"/>, within
    /// the same per-agent and per-address rate limits), so that a site can check a port it forwards outside the list.
    /// </summary>
    public bool AllowRequestedPorts { get; set; } = true;

    /// <summary>How long a TCP connection attempt may wait for SYN-ACK or RST before the port counts as filtered.</summary>
    [Range(100, 10_000)]
    public int TcpTimeoutMs { get; set; } = 1500;

    /// <summary>How long each UDP attempt waits for an answer or an ICMP error.</summary>
    [Range(100, 10_000)]
    public int UdpTimeoutMs { get; set; } = 1000;

    /// <summary>UDP datagrams sent per port before it counts as open|filtered (one lost datagram must not decide).</summary>
    [Range(1, 3)]
    public int UdpAttempts { get; set; } = 2;

    /// <summary>How long an open TCP port is read for a banner.</summary>
    [Range(100, 5000)]
    public int BannerTimeoutMs { get; set; } = 1000;

    /// <summary>Ports one scan probes at the same time.</summary>
    [Range(1, 64)]
    public int MaxParallelProbes { get; set; } = 16;

    /// <summary>The longest one scan may run; ports not done by then are reported filtered (TCP) or open|filtered (UDP).</summary>
    [Range(1, 120)]
    public int ScanTimeLimitSeconds { get; set; } = 20;

    /// <summary>Scans the Reflector runs at once, over all agents; beyond that it answers 503.</summary>
    [Range(1, 256)]
    public int MaxConcurrentScans { get; set; } = 4;

    /// <summary>Scans one agent may have per hour, on average.</summary>
    [Range(0.01, 3600)]
    public double ScansPerHourPerAgent { get; set; } = 6;

    /// <summary>Scans one agent may have in a burst above the average.</summary>
    [Range(1, 1000)]
    public int BurstPerAgent { get; set; } = 3;

    /// <summary>Scans of one address (an IPv6 /64) per hour, on average, whichever agents ask.</summary>
    [Range(0.01, 3600)]
    public double ScansPerHourPerAddress { get; set; } = 12;

    /// <summary>Scans of one address in a burst above the average.</summary>
    [Range(1, 1000)]
    public int BurstPerAddress { get; set; } = 6;

    /// <summary>Addresses the rate limiter tracks at once.</summary>
    [Range(1, 10_000_000)]
    public int MaxTrackedAddresses { get; set; } = 100_000;

    /// <summary>How far a request's timestamp may be from the Reflector's clock, either way.</summary>
    [Range(1, 3600)]
    public int MaxClockSkewSeconds { get; set; } = 60;

    /// <summary>Nonces remembered at once (each for twice the clock skew); beyond that new requests are refused with 503.</summary>
    [Range(1, 10_000_000)]
    public int MaxTrackedNonces { get; set; } = 100_000;

    /// <summary>The configured ports, parsed and without repeats (call after validation).</summary>
    public IReadOnlyList<ExposurePort> ParsedPorts() =>
        [.. (Ports.Count == 0 ? DefaultPorts : (IEnumerable<string>)Ports).Select(text => ExposurePort.TryParse(text, out var port)
            ? port
            : throw new InvalidOperationException($"{SectionName}:Ports has an invalid entry '{text}'")).Distinct()];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Ports.Count > MaxPorts)
            yield return new ValidationResult($"at most {MaxPorts} ports, not {Ports.Count}", [nameof(Ports)]);
        foreach (var text in Ports)
        {
            if (!ExposurePort.TryParse(text, out _))
                yield return new ValidationResult($"'{text}' is not port/tcp or port/udp", [nameof(Ports)]);
        }
    }
}
