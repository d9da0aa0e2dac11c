using MassTransit;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Alerting.Evaluation;

/// <summary>The <c>alerting-state-changes</c> endpoint: Ingestion's <c>ProbeStateChanged</c> (MassTransit envelope).</summary>
public sealed class StateChangedConsumerDefinition : ConsumerDefinition<StateChangedConsumer>
{
    public const string QueueName = "alerting-state-changes";

    private readonly int _prefetch;

    public StateChangedConsumerDefinition(IOptions<AlertingOptions> options)
    {
        _prefetch = options.Value.PrefetchCount;
        EndpointName = QueueName;
        ConcurrentMessageLimit = _prefetch;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<StateChangedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseEvaluationRetry();
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = _prefetch;
        }
    }
}
