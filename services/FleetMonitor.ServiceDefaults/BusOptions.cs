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
}
