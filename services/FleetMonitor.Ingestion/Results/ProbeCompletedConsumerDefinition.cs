using System.Runtime.Serialization;
using System.Text.Json;
using FleetMonitor.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace FleetMonitor.Ingestion.Results;

/// <summary>
/// The <c>ingestion-results</c> endpoint: plain JSON from agents (no MassTransit envelope needed), bound to the
/// agents' topic exchange, with an explicit prefetch and as many concurrent consumers, so that the batch writer
/// always has a full batch to write.
/// </summary>
public sealed class ProbeCompletedConsumerDefinition : ConsumerDefinition<ProbeCompletedConsumer>
{
    public const string QueueName = "ingestion-results";

    private readonly IngestionOptions _options;

    public ProbeCompletedConsumerDefinition(IOptions<IngestionOptions> options)
    {
        _options = options.Value;
        EndpointName = QueueName;
        ConcurrentMessageLimit = _options.PrefetchCount;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ProbeCompletedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.ConfigureAgentEndpoint(_options.PrefetchCount, WireFormat.ResultRoutingPrefix + ".#");
    }
}

/// <summary>Endpoint settings shared by the consumers of agent messages.</summary>
internal static class AgentEndpointConfiguration
{
    public static void ConfigureAgentEndpoint(this IReceiveEndpointConfigurator endpoint, int prefetchCount, string routingKey)
    {
        endpoint.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: true);
        endpoint.UseMessageRetry(r =>
        {
            // A message that cannot be read or is invalid will never succeed: straight to the error queue.
            r.Ignore<InvalidMessageException>();
            r.Ignore<Identity.ImpersonationException>();
            r.Ignore<SerializationException>();
            r.Ignore<JsonException>();
            // Transient database failures are retried inside the consumer without limit (TransientRetry); one that
            // still escapes (the consume was cancelled) must not use up the few retries meant for real faults.
            r.Ignore<TransientStorageException>();
            r.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(500));
        });

        // Agents are no MassTransit senders and nothing subscribes to Fault<T> of their messages: a rejected message goes
        // to the error queue and is counted, without a second publish carrying the whole message to an exchange no queue
        // is bound to.
        endpoint.PublishFaults = false;

        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            // Replicated on a RabbitMQ cluster (Raft): a broker node lost takes no agent message with it.
            rabbit.SetQuorumQueue();
            rabbit.PrefetchCount = prefetchCount;
            rabbit.Bind(WireFormat.AgentExchange, x =>
            {
                x.ExchangeType = ExchangeType.Topic;
                x.RoutingKey = routingKey;
                x.Durable = true;
            });
        }
    }
}
