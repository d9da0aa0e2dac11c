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
        // Each message carries up to 50 results by default: a smaller prefetch keeps as many results in flight.
        _prefetch = Math.Max(8, options.Value.PrefetchCount / 20);
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
