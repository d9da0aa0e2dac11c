using FleetMonitor.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Alerting.Evaluation;

/// <summary>The <c>alerting-results</c> endpoint, bound to <c>result.#</c> on the agents' exchange.</summary>
public sealed class ResultConsumerDefinition : ConsumerDefinition<ResultConsumer>
{
    public const string QueueName = "alerting-results";

    private readonly int _prefetch;

    public ResultConsumerDefinition(IOptions<AlertingOptions> options)
    {
        _prefetch = options.Value.PrefetchCount;
        EndpointName = QueueName;
        ConcurrentMessageLimit = _prefetch;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<ResultConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.ConfigureAgentEndpoint(_prefetch, WireFormat.ResultRoutingPrefix + ".#");
}
