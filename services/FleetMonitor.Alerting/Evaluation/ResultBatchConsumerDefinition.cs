using FleetMonitor.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Alerting.Evaluation;

/// <summary>The <c>alerting-result-batches</c> endpoint, bound to <c>results.#</c> on the agents' exchange.</summary>
public sealed class ResultBatchConsumerDefinition : ConsumerDefinition<ResultBatchConsumer>
{
    public const string QueueName = "alerting-result-batches";

    private readonly int _prefetch;

    public ResultBatchConsumerDefinition(IOptions<AlertingOptions> options)
    {
        // As many batches in flight as single results on the other endpoint: the batcher's lanes fill only from what
        // the consumers have handed over, and a round's batch is often a handful of results.
        _prefetch = options.Value.PrefetchCount;
        EndpointName = QueueName;
        ConcurrentMessageLimit = _prefetch;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<ResultBatchConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.ConfigureAgentEndpoint(_prefetch, WireFormat.BatchRoutingPrefix + ".#");
}
