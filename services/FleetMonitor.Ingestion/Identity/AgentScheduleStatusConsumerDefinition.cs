using FleetMonitor.Contracts;
using FleetMonitor.Ingestion.Results;
using MassTransit;

namespace FleetMonitor.Ingestion.Identity;

/// <summary>The <c>ingestion-schedule-status</c> endpoint: a second reader of <c>heartbeat.#</c>, beside the heartbeat recorder.</summary>
public sealed class AgentScheduleStatusConsumerDefinition : ConsumerDefinition<AgentScheduleStatusConsumer>
{
    public const string QueueName = "ingestion-schedule-status";

    public AgentScheduleStatusConsumerDefinition()
    {
        EndpointName = QueueName;
        ConcurrentMessageLimit = 8;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<AgentScheduleStatusConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.ConfigureAgentEndpoint(32, WireFormat.HeartbeatRoutingPrefix + ".#");
    }
}
