using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;

namespace FleetMonitor.Reflector.Echo;

/// <summary>Where the UDP echo answers and how much it answers one source.</summary>
public sealed class EchoOptions : IValidatableObject
{
    public const string SectionName = "Reflector:Echo";

    /// <summary>The endpoint used when <see cref="Endpoints"/> is empty.</summary>
    public const string DefaultEndpoint = "0.0.0.0:7000";

    /// <summary>
    /// Addresses and ports to answer on, <c>a.b.c.d:port</c> or <c>[v6]:port</c>; empty means <see cref="DefaultEndpoint"/>.
    /// (Empty rather than pre-filled: the configuration binder appends to a list, so a default in it could not be replaced.)
    /// </summary>
    public IList<string> Endpoints { get; } = [];

    /// <summary>Packets per second one source address (an IPv6 /64) may have answered, on average.</summary>
    [Range(0.1, 1_000_000)]
    public double PacketsPerSecondPerSource { get; set; } = 100;

    /// <summary>Packets one source may have answered in a burst above the average rate (the token bucket's size).</summary>
    [Range(1, 1_000_000)]
    public int BurstPerSource { get; set; } = 100;

    /// <summary>Most sources the rate limiter tracks at once; beyond that, new sources are not answered until idle ones are forgotten.</summary>
    [Range(1, 10_000_000)]
    public int MaxTrackedSources { get; set; } = 100_000;

    /// <summary>Datagrams from a lower source port are not answered: probes send from ephemeral or RTP ports, never from a system service's.</summary>
    [Range(0, 65535)]
    public int MinSourcePort { get; set; } = 1024;

    /// <summary>The endpoints to bind, parsed (call after validation).</summary>
    public IReadOnlyList<IPEndPoint> ParsedEndpoints() =>
        [.. (Endpoints.Count == 0 ? [DefaultEndpoint] : Endpoints).Select(text => TryParseEndpoint(text, out var endpoint)
            ? endpoint
            : throw new InvalidOperationException($"{SectionName}:Endpoints has an invalid entry '{text}'"))];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var seen = new HashSet<IPEndPoint>();
        foreach (var text in Endpoints)
        {
            if (!TryParseEndpoint(text, out var endpoint))
                yield return new ValidationResult($"'{text}' is not an address:port such as 0.0.0.0:7000 or [::]:7000", [nameof(Endpoints)]);
            else if (!seen.Add(endpoint))
                yield return new ValidationResult($"'{text}' is listed twice", [nameof(Endpoints)]);
        }
    }

    /// <summary>Parses <c>a.b.c.d:port</c> or <c>[v6]:port</c>; the port must be written (0 asks the system for one).</summary>
    public static bool TryParseEndpoint(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPEndPoint? endpoint)
    {
        endpoint = null;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
            return false;
        var host = text[..colon];
        var bracketed = host.StartsWith('[') && host.EndsWith(']');
        if (!bracketed && host.Contains(':', StringComparison.Ordinal))
            return false;
        if (!IPEndPoint.TryParse(text, out endpoint))
            return false;
        if (bracketed != (endpoint.AddressFamily == AddressFamily.InterNetworkV6))
        {
            endpoint = null;
            return false;
        }

        return true;
    }
}
