using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using FleetMonitor.Reflector.Echo;

namespace FleetMonitor.Reflector.SipMirror;

/// <summary>Where the SIP mirror listens (UDP and TCP on each endpoint) and how much it answers one source.</summary>
public sealed class SipMirrorOptions : IValidatableObject
{
    public const string SectionName = "Reflector:SipMirror";

    /// <summary>The port of an endpoint written without one.</summary>
    public const int DefaultPort = 5060;

    /// <summary>
    /// Addresses to listen on with UDP and TCP, <c>a.b.c.d</c>, <c>[v6]</c>, or with a port (<c>a.b.c.d:5060</c>,
    /// <c>[v6]:5060</c>; 0 asks the system for one, the same for both transports). Empty means the mirror is off: SIP's
    /// port is not taken by a Reflector (or the embedded server) that was not asked to.
    /// </summary>
    public IList<string> Endpoints { get; } = [];

    /// <summary>Requests per second one source address (an IPv6 /64) may have answered, on average.</summary>
    [Range(0.01, 100_000)]
    public double RequestsPerSecondPerSource { get; set; } = 5;

    /// <summary>Requests one source may have answered in a burst above the average rate (a probe run sends two to a few).</summary>
    [Range(1, 100_000)]
    public int BurstPerSource { get; set; } = 20;

    /// <summary>Most sources the rate limiter tracks at once; beyond that, new sources are not answered until idle ones are forgotten.</summary>
    [Range(1, 10_000_000)]
    public int MaxTrackedSources { get; set; } = 100_000;

    /// <summary>UDP requests from a lower source port are not answered (a spoofed source could aim replies at a system service).</summary>
    [Range(0, 65535)]
    public int MinSourcePort { get; set; } = 1024;

    /// <summary>Most TCP connections open at once; more are closed at once.</summary>
    [Range(1, 1_000_000)]
    public int MaxTcpConnections { get; set; } = 1000;

    /// <summary>A TCP connection that sends nothing for this long is closed.</summary>
    [Range(1, 3600)]
    public int TcpIdleTimeoutSeconds { get; set; } = 10;

    /// <summary>The endpoints to listen on, parsed (call after validation).</summary>
    public IReadOnlyList<IPEndPoint> ParsedEndpoints() =>
        [.. Endpoints.Select(text => TryParseEndpoint(text, out var endpoint)
            ? endpoint
            : throw new InvalidOperationException($"{SectionName}:Endpoints has an invalid entry '{text}'"))];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var seen = new HashSet<IPEndPoint>();
        foreach (var text in Endpoints)
        {
            if (!TryParseEndpoint(text, out var endpoint))
                yield return new ValidationResult($"'{text}' is not an address or address:port such as 0.0.0.0, 0.0.0.0:5060 or [::]:5060", [nameof(Endpoints)]);
            else if (endpoint.Port != 0 && !seen.Add(endpoint))
                yield return new ValidationResult($"'{text}' is listed twice", [nameof(Endpoints)]);
        }
    }

    /// <summary>Parses <c>a.b.c.d</c>, <c>[v6]</c> (port <see cref="DefaultPort"/>) or the echo's <c>address:port</c> forms.</summary>
    public static bool TryParseEndpoint(string? text, [NotNullWhen(true)] out IPEndPoint? endpoint)
    {
        if (EchoOptions.TryParseEndpoint(text, out endpoint))
            return true;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var bracketed = text.StartsWith('[') && text.EndsWith(']');
        var literal = bracketed ? text[1..^1] : text;
        if (!IPAddress.TryParse(literal, out var address)
            || bracketed != (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6))
        {
            return false;
        }

        endpoint = new IPEndPoint(address, DefaultPort);
        return true;
    }
}
