using FleetMonitor.Contracts;
using FleetMonitor.Ingestion.Results;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Ingestion.Identity;

/// <summary>The <c>ingestion-schedule-status</c> endpoint: a second reader of <c>heartbeat.#</c>, beside the heartbeat recorder.</summary>
public sealed class AgentScheduleStatusConsumerDefinition : ConsumerDefinition<AgentScheduleStatusConsumer>
{
    public const string QueueName = "ingestion-schedule-status";

    private readonly int _concurrency;

    public AgentScheduleStatusConsumerDefinition(IOptions<IngestionOptions> options)
    {
        _concurrency = options.Value.HeartbeatConcurrency / 2;
        EndpointName = QueueName;
        ConcurrentMessageLimit = _concurrency;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<AgentScheduleStatusConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.ConfigureAgentEndpoint(4 * _concurrency, WireFormat.HeartbeatRoutingPrefix + ".#");
    }
}
