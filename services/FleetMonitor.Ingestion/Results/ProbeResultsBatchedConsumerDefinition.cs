using FleetMonitor.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Ingestion.Results;

/// <summary>The <c>ingestion-result-batches</c> endpoint, bound to <c>results.#</c> on the agents' exchange.</summary>
public sealed class ProbeResultsBatchedConsumerDefinition : ConsumerDefinition<ProbeResultsBatchedConsumer>
{
    public const string QueueName = "ingestion-result-batches";

    private readonly int _prefetch;

    public ProbeResultsBatchedConsumerDefinition(IOptions<IngestionOptions> options)
    {
        // A message carries what an agent had ready: one schedule tick (a few results) or up to 50 after a backlog.
        // Each message in flight waits for its batch to commit, so the window must hold enough ticks to fill the batch
        // of every write slot and the next one: MaxBatchSize × (MaxConcurrentBatches + 2) results at 8 per message
        // (250 messages with the defaults). A window sized for 50 per message (PrefetchCount / 20 = 50) held only 400
        // results of ticks of 8: batches never filled, and that endpoint topped out at 50 messages per commit cycle.
        var o = options.Value;
        _prefetch = Math.Clamp(o.MaxBatchSize * (o.MaxConcurrentBatches + 2) / 8, 1, o.PrefetchCount);
        EndpointName = QueueName;
        ConcurrentMessageLimit = _prefetch;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ProbeResultsBatchedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.ConfigureAgentEndpoint(_prefetch, WireFormat.BatchRoutingPrefix + ".#");
    }
}
