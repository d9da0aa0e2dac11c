using System.Text.Json;
using System.Text.Json.Serialization;

namespace FleetMonitor.Contracts;

/// <summary>The JSON settings of the agent wire format: camelCase names, enums as lower-case strings.</summary>
public static class WireFormat
{
    /// <summary>The RabbitMQ exchange agents publish to (durable, topic).</summary>
    public const string AgentExchange = "fleetmonitor.agent";

    /// <summary>Routing key prefix of results: <c>result.{siteId}.{kind}</c>.</summary>
    public const string ResultRoutingPrefix = "result";

    /// <summary>Routing key prefix of several results in one message: <c>results.{siteId}</c>.</summary>
    public const string BatchRoutingPrefix = "results";

    /// <summary>Routing key prefix of heartbeats: <c>heartbeat.{siteId}</c>.</summary>
    public const string HeartbeatRoutingPrefix = "heartbeat";

    /// <summary>Serializer options shared by agents and services.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
