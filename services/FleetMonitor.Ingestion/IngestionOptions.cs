using System.ComponentModel.DataAnnotations;

namespace FleetMonitor.Ingestion;

/// <summary>Batching and flow-control settings of the result consumer.</summary>
public sealed class IngestionOptions
{
    public const string SectionName = "Ingestion";

    /// <summary>Most results written in one transaction.</summary>
    [Range(1, 10_000)]
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>Batches written at the same time (each in its own transaction).</summary>
    [Range(1, 16)]
    public int MaxConcurrentBatches { get; set; } = 2;

    /// <summary>How long a batch waits to fill before it is written anyway.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>Unacknowledged messages the broker sends ahead (RabbitMQ prefetch); also the consumer concurrency.</summary>
    [Range(1, 65_535)]
    public int PrefetchCount { get; set; } = 1000;

    /// <summary>
    /// Heartbeats recorded at the same time (the broker sends four times as many ahead); the schedule-status reader, a
    /// second reader of the same heartbeats, takes half as many.
    /// </summary>
    [Range(2, 1_000)]
    public int HeartbeatConcurrency { get; set; } = 16;

    /// <summary>Oldest start time accepted, so that a wrong agent clock cannot create far-away partitions.</summary>
    public TimeSpan MaxResultAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Newest start time accepted, relative to the receiver's clock.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>State changes the relay publishes per database transaction.</summary>
    [Range(1, 10_000)]
    public int RelayBatchSize { get; set; } = 500;

    /// <summary>How often the relay looks at the outbox when nobody woke it (another replica's changes, restarts).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RelayPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one relay pass may wait for the broker before its rows are left for the next pass.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RelayPublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a stopping receive endpoint (shutdown, or a lost broker connection) waits for in-flight messages
    /// before it cancels them; they go back to the queue.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ConsumerStopTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
