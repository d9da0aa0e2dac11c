using System.ComponentModel.DataAnnotations;
using FleetMonitor.Contracts;

namespace FleetMonitor.Agent;

/// <summary>Where the agent publishes: an AMQP URI with the agent's own credentials (amqps:// for TLS).</summary>
public sealed class BrokerOptions
{
    [Required]
    public string Uri { get; set; } = "amqp://guest:guest@localhost:5672/";

    /// <summary>
    /// The other nodes of a RabbitMQ cluster, as <c>host:port</c>, reached with <see cref="Uri"/>'s credentials, virtual
    /// host and TLS setting. Each connection tries <see cref="Uri"/>'s node and these in a random order, so that a fleet
    /// spreads over the nodes and moves to another node when one is down. Empty: one broker.
    /// </summary>
    public List<string> ClusterNodes { get; set; } = [];

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

    /// <summary>
    /// How long a confirm round may wait for the broker's confirms. Past it the connection is dropped and the round
    /// goes again on a new connection (to any node of the cluster), with back-off; nothing leaves the outbox
    /// unconfirmed, and Ingestion drops what arrives twice. Without it, a node that stops answering on an open
    /// connection would hold the agent's publishing for ever.
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After an idle spell, how long the relay waits once the first message is waiting, so that what one schedule tick
    /// produces (several probes finishing within moments) leaves in one message instead of one each. 0: at once.
    /// </summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Outbox messages taken per confirm round.</summary>
    [Range(1, 10_000)]
    public int PublishBatchSize { get; set; } = 500;

    /// <summary>
    /// At most this many outbox entries (results and heartbeats) leave per second. A normal schedule is far below it;
    /// it paces the drain of a backlog (an agent back after a day offline holds ~100,000 results), so that a fleet
    /// coming back after an outage reaches the broker and Ingestion spread out instead of all at once. 0: no limit.
    /// </summary>
    [Range(0, 1_000_000)]
    public int MaxResultsPerSecond { get; set; } = 1_000;

    /// <summary>
    /// A message the broker refuses this many times in a row (403 access refused, returned as unroutable) is moved to
    /// the outbox's dead-letter table instead of holding up everything behind it.
    /// </summary>
    [Range(1, 100)]
    public int MaxRefusals { get; set; } = 3;

    /// <summary>The first wait after a failed connection or publish; it doubles up to <see cref="MaxReconnectDelay"/>, with full jitter.</summary>
    public TimeSpan MinReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromMinutes(2);
}
