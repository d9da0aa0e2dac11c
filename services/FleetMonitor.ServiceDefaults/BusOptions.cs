using System.ComponentModel.DataAnnotations;

namespace FleetMonitor.ServiceDefaults;

/// <summary>How a service reaches the message bus.</summary>
public sealed class BusOptions
{
    public const string SectionName = "Bus";

    public BusTransport Transport { get; set; } = BusTransport.InMemory;

    [Required]
    public string Host { get; set; } = "localhost";

    [Range(1, 65535)]
    public int Port { get; set; } = 5672;

    [Required]
    public string VirtualHost { get; set; } = "/";

    [Required]
    public string Username { get; set; } = "guest";

    public string Password { get; set; } = "guest";

    /// <summary>AMQP over TLS (port 5671 by convention).</summary>
    public bool UseTls { get; set; }

    /// <summary>
    /// With <see cref="UseTls"/>: a PEM file with the CA that signed the broker's certificate, trusted instead of the
    /// machine's store (a private CA). Empty: the machine's trust store.
    /// </summary>
    public string? TlsCaCertificatePath { get; set; }
}
