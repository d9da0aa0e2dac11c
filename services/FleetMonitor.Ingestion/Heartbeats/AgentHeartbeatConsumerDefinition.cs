using FleetMonitor.Contracts;
using FleetMonitor.Ingestion.Results;
using MassTransit;

namespace FleetMonitor.Ingestion.Heartbeats;

/// <summary>The <c>ingestion-heartbeats</c> endpoint, bound to <c>heartbeat.#</c> on the agents' exchange.</summary>
public sealed class AgentHeartbeatConsumerDefinition : ConsumerDefinition<AgentHeartbeatConsumer>
{
    public const string QueueName = "ingestion-heartbeats";

    public AgentHeartbeatConsumerDefinition()
    {
        EndpointName = QueueName;
        ConcurrentMessageLimit = 16;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<AgentHeartbeatConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.ConfigureAgentEndpoint(64, WireFormat.HeartbeatRoutingPrefix + ".#");
    }
}
