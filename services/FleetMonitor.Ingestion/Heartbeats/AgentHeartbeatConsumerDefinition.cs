using FleetMonitor.Contracts;
using FleetMonitor.Ingestion.Results;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Ingestion.Heartbeats;

/// <summary>The <c>ingestion-heartbeats</c> endpoint, bound to <c>heartbeat.#</c> on the agents' exchange.</summary>
public sealed class AgentHeartbeatConsumerDefinition : ConsumerDefinition<AgentHeartbeatConsumer>
{
    public const string QueueName = "ingestion-heartbeats";

    private readonly int _concurrency;

    public AgentHeartbeatConsumerDefinition(IOptions<IngestionOptions> options)
    {
        _concurrency = options.Value.HeartbeatConcurrency;
        EndpointName = QueueName;
        ConcurrentMessageLimit = _concurrency;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<AgentHeartbeatConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.ConfigureAgentEndpoint(4 * _concurrency, WireFormat.HeartbeatRoutingPrefix + ".#");
    }
}
