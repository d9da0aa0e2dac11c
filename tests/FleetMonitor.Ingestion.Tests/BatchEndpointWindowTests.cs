using FleetMonitor.Ingestion.Results;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Ingestion.Tests;

/// <summary>The batch endpoint's window: enough ticks of 8 results to fill every write slot, never above the prefetch.</summary>
public sealed class BatchEndpointWindowTests
{
    [Theory]
    [InlineData(1000, 500, 2, 250)]  // the defaults
    [InlineData(100, 500, 2, 100)]   // never more than PrefetchCount
    [InlineData(4, 500, 2, 4)]       // a small, valid PrefetchCount is taken as it is
    [InlineData(1000, 1, 1, 1)]      // a tiny batch still lets one message in
    public void Window_follows_the_batch_settings(int prefetch, int batchSize, int concurrentBatches, int expected)
    {
        var options = Options.Create(new IngestionOptions { PrefetchCount = prefetch, MaxBatchSize = batchSize, MaxConcurrentBatches = concurrentBatches });
        Assert.Equal(expected, new ProbeResultsBatchedConsumerDefinition(options).ConcurrentMessageLimit);
    }
}
