using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace FleetMonitor.Reflector.Stun;

/// <summary>
/// The RFC 5780 STUN server (<c>Reflector:Stun</c>): two addresses of one family, each listening on two ports. Off
/// while <see cref="PrimaryAddress"/> is empty, so that a host without two public addresses (the embedded server) runs
/// without it.
/// </summary>
public sealed class StunOptions : IValidatableObject
{
    public const string SectionName = "Reflector:Stun";

    /// <summary>PA: the address clients are configured with. Empty: the STUN server does not start.</summary>
    public string PrimaryAddress { get; set; } = "";

    /// <summary>AA: the second address, answering "change IP" requests; required with <see cref="PrimaryAddress"/>.</summary>
    public string AlternateAddress { get; set; } = "";

    /// <summary>PP: the port clients are configured with (RFC 8489's default 3478).</summary>
    [Range(1, 65535)]
    public int PrimaryPort { get; set; } = 3478;

    /// <summary>AP: the second port, answering "change port" requests.</summary>
    [Range(1, 65535)]
    public int AlternatePort { get; set; } = 3479;

    /// <summary>
    /// Requests per second one source address (an IPv6 /64) may have answered, on average. A full NAT verdict with a
    /// binding lifetime search costs the agent about 30 transactions (more with retransmissions) within a few seconds,
    /// and many agents can share one home's or one carrier NAT's address.
    /// </summary>
    [Range(0.1, 1_000_000)]
    public double PacketsPerSecondPerSource { get; set; } = 20;

    /// <summary>Requests one source may have answered in a burst above the average rate (the token bucket's size).</summary>
    [Range(1, 1_000_000)]
    public int BurstPerSource { get; set; } = 100;

    /// <summary>Most sources the rate limiter tracks at once; beyond that, new sources are not answered until idle ones are forgotten.</summary>
    [Range(1, 10_000_000)]
    public int MaxTrackedSources { get; set; } = 100_000;

    /// <summary>
    /// Requests from a lower source port are not answered, and a lower RESPONSE-PORT is refused: a reply aimed at a
    /// system service (DNS, NTP, ...) is what a reflection attack with a spoofed source wants.
    /// </summary>
    [Range(0, 65535)]
    public int MinSourcePort { get; set; } = 1024;

    /// <summary>Whether the STUN server runs at all.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(PrimaryAddress);

    /// <summary>The four endpoints, parsed (call after validation, and only when <see cref="Enabled"/>).</summary>
    public StunServerAddresses Addresses() =>
        TryParse(PrimaryAddress, out var primary) && TryParse(AlternateAddress, out var alternate)
            ? new StunServerAddresses(primary, alternate, PrimaryPort, AlternatePort)
            : throw new InvalidOperationException($"{SectionName} has no valid PrimaryAddress and AlternateAddress");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
            yield break;
        if (!TryParse(PrimaryAddress, out var primary))
            yield return new ValidationResult($"'{PrimaryAddress}' is not an IP address", [nameof(PrimaryAddress)]);
        if (!TryParse(AlternateAddress, out var alternate))
        {
            yield return new ValidationResult(
                $"'{AlternateAddress}' is not an IP address: RFC 5780 needs a second address for \"change IP\"", [nameof(AlternateAddress)]);
        }

        if (primary is not null && alternate is not null)
        {
            if (primary.Equals(alternate))
                yield return new ValidationResult("the primary and alternate addresses must differ", [nameof(AlternateAddress)]);
            else if (primary.AddressFamily != alternate.AddressFamily)
                yield return new ValidationResult("the primary and alternate addresses must be of one family", [nameof(AlternateAddress)]);
        }

        if (PrimaryPort == AlternatePort)
            yield return new ValidationResult("the primary and alternate ports must differ", [nameof(AlternatePort)]);
    }

    // A wildcard cannot be advertised in OTHER-ADDRESS or RESPONSE-ORIGIN: each socket is bound to its own address.
    private static bool TryParse(string? text, [NotNullWhen(true)] out IPAddress? address) =>
        IPAddress.TryParse(text, out address)
        && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any) && !address.IsIPv4MappedToIPv6;
}
