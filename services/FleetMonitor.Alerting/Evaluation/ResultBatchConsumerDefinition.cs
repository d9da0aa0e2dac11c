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
        _prefetch = Math.Max(4, options.Value.PrefetchCount / 8);
        EndpointName = QueueName;
        ConcurrentMessageLimit = _prefetch;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<ResultBatchConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.ConfigureAgentEndpoint(_prefetch, WireFormat.BatchRoutingPrefix + ".#");
}
