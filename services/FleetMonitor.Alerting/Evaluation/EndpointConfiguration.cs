using System.Runtime.Serialization;
using System.Text.Json;
using FleetMonitor.Contracts;
using MassTransit;
using RabbitMQ.Client;

namespace FleetMonitor.Alerting.Evaluation;

/// <summary>Endpoint settings shared by Alerting's consumers.</summary>
internal static class EndpointConfiguration
{
    /// <summary>Invalid or unreadable messages go straight to the error queue; a database hiccup or a lock conflict is retried.</summary>
    public static void UseEvaluationRetry(this IReceiveEndpointConfigurator endpoint) =>
        endpoint.UseMessageRetry(r =>
        {
            r.Ignore<InvalidMessageException>();
            r.Ignore<SerializationException>();
            r.Ignore<JsonException>();
            r.Exponential(8, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(300));
        });

    /// <summary>
    /// Alerting's own durable queue on the agents' exchange, read as plain JSON like Ingestion's: every result reaches
    /// Alerting at once, without waiting for Ingestion's write, and a stopped Alerting loses none of them.
    /// </summary>
    public static void ConfigureAgentEndpoint(this IReceiveEndpointConfigurator endpoint, int prefetchCount, string routingKey)
    {
        endpoint.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: true);
        endpoint.UseEvaluationRetry();
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
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
