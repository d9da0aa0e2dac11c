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

    /// <summary>Oldest start time accepted, so that a wrong agent clock cannot create far-away partitions.</summary>
    public TimeSpan MaxResultAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Newest start time accepted, relative to the receiver's clock.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(10);
}
