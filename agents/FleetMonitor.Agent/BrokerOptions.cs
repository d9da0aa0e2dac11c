using System.ComponentModel.DataAnnotations;
using FleetMonitor.Contracts;

namespace FleetMonitor.Agent;

/// <summary>Where the agent publishes: an AMQP URI with the agent's own credentials (amqps:// for TLS).</summary>
public sealed class BrokerOptions
{
    [Required]
    public string Uri { get; set; } = "amqp://guest:guest@localhost:5672/";

    [Required]
    public string Exchange { get; set; } = WireFormat.AgentExchange;

    /// <summary>Declare the exchange if missing. Off in production, where agents may only publish.</summary>
    public bool DeclareExchange { get; set; }

    /// <summary>
    /// Results packed into one message when several are waiting (a <c>ProbeResultsBatched</c>); 1 publishes each
    /// result alone.
    /// </summary>
    [Range(1, ProbeResultsBatched.MaxResults)]
    public int MaxResultsPerMessage { get; set; } = 50;

    /// <summary>Outbox messages taken per confirm round.</summary>
    [Range(1, 10_000)]
    public int PublishBatchSize { get; set; } = 500;
}
