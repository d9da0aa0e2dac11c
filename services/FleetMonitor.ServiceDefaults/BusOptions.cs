using System.ComponentModel.DataAnnotations;

namespace FleetMonitor.ServiceDefaults;

/// <summary>How a service reaches the message bus.</summary>
public sealed class BusOptions : IValidatableObject
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

    /// <summary>
    /// The other nodes of a RabbitMQ cluster, as <c>host:port</c>. The service connects to <see cref="Host"/> first and
    /// moves to the next node in this order when a connection fails or drops. Empty: one broker.
    /// </summary>
    public List<string> ClusterNodes { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < ClusterNodes.Count; i++)
        {
            if (!FleetMonitor.Contracts.ClusterNodeAddress.TryParse(ClusterNodes[i], out _, out _))
            {
                yield return new ValidationResult(
                    $"'{ClusterNodes[i]}' is not host:port (a port from 1 to 65535)", [$"{nameof(ClusterNodes)}[{i}]"]);
            }
        }
    }
}
