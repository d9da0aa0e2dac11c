using System.Text.Json;
using FleetMonitor.Contracts;
using RabbitMQ.Client;

namespace FleetMonitor.Alerting.Tests.Support;

/// <summary>Publishes results and heartbeats as agents do: plain JSON to <c>fleetmonitor.agent</c>, persistent, confirmed.</summary>
public sealed class AgentPublisher : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private AgentPublisher(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public static async Task<AgentPublisher> ConnectAsync(RabbitMqVhost vhost)
    {
        var connection = await vhost.ConnectAsync();
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.ExchangeDeclareAsync(WireFormat.AgentExchange, ExchangeType.Topic, durable: true);
        return new AgentPublisher(connection, channel);
    }

    public ValueTask PublishAsync(ProbeCompleted result) =>
        PublishAsync($"{WireFormat.ResultRoutingPrefix}.{result.SiteId}.{result.Kind}", JsonSerializer.SerializeToUtf8Bytes(result, WireFormat.Options));

    public ValueTask PublishAsync(ProbeResultsBatched batch) =>
        PublishAsync($"{WireFormat.BatchRoutingPrefix}.{batch.SiteId}", JsonSerializer.SerializeToUtf8Bytes(batch, WireFormat.Options));

    public ValueTask PublishRawAsync(string routingKey, byte[] body) => PublishAsync(routingKey, body);

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private ValueTask PublishAsync(string routingKey, byte[] body) =>
        _channel.BasicPublishAsync(WireFormat.AgentExchange, routingKey, mandatory: false,
            new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent }, body);
}
