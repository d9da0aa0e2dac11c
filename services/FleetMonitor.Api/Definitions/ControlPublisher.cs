using System.Text.Json;
using FleetMonitor.Contracts;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace FleetMonitor.Api.Definitions;

/// <summary>
/// Sends schedules and commands to agents' queues through the control exchange (persistent, with publisher confirms),
/// and declares agents' queues. One routing key reaches every agent of a site; the broker does the fan-out.
/// </summary>
public sealed partial class ControlPublisher(IOptions<ControlOptions> options, ILogger<ControlPublisher> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;
    private IChannel? _channel;

    /// <summary>False when no broker is configured: nothing is sent.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(options.Value.BrokerUri);

    /// <summary>Sends the site's schedule to every agent of the site.</summary>
    public Task<bool> PublishScheduleAsync(SiteScheduleChanged schedule, CancellationToken cancellationToken) =>
        PublishAsync(ControlTopology.SiteRoutingKey(schedule.SiteId), nameof(SiteScheduleChanged), $"{schedule.SiteId}/{schedule.Version}",
            JsonSerializer.SerializeToUtf8Bytes(schedule, WireFormat.Options), cancellationToken);

    /// <summary>Sends the site's schedule to one agent (its answer to <see cref="ScheduleRequested"/>).</summary>
    public Task<bool> PublishScheduleToAgentAsync(string agentId, SiteScheduleChanged schedule, CancellationToken cancellationToken) =>
        PublishAsync(ControlTopology.AgentRoutingKey(agentId), nameof(SiteScheduleChanged), $"{schedule.SiteId}/{schedule.Version}/{agentId}",
            JsonSerializer.SerializeToUtf8Bytes(schedule, WireFormat.Options), cancellationToken);

    public Task<bool> PublishRunNowAsync(RunProbeNow command, CancellationToken cancellationToken) =>
        PublishAsync(
            command.AgentId is null ? ControlTopology.SiteRoutingKey(command.SiteId) : ControlTopology.AgentRoutingKey(command.AgentId),
            nameof(RunProbeNow), command.RequestId.ToString(), JsonSerializer.SerializeToUtf8Bytes(command, WireFormat.Options), cancellationToken);

    /// <summary>Declares the agent's durable queue, bound to its own and its site's routing keys.</summary>
    public async Task DeclareAgentQueueAsync(string agentId, string siteId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var channel = await EnsureChannelAsync(cancellationToken);
            var queue = ControlTopology.AgentQueue(agentId);
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
            await channel.QueueBindAsync(queue, ControlTopology.Exchange, ControlTopology.AgentRoutingKey(agentId), cancellationToken: cancellationToken);
            await channel.QueueBindAsync(queue, ControlTopology.Exchange, ControlTopology.SiteRoutingKey(siteId), cancellationToken: cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Deletes an agent's queue (its agent was revoked).</summary>
    public async Task DeleteAgentQueueAsync(string agentId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var channel = await EnsureChannelAsync(cancellationToken);
            await channel.QueueDeleteAsync(ControlTopology.AgentQueue(agentId), cancellationToken: cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null)
        {
            await _channel.DisposeAsync();
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        _gate.Dispose();
    }

    private async Task<bool> PublishAsync(string routingKey, string type, string messageId, byte[] body, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            LogNotDelivered(type, routingKey);
            return false;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var channel = await EnsureChannelAsync(cancellationToken);
            var properties = new BasicProperties
            {
                Persistent = true,
                ContentType = "application/json",
                Type = type,
                MessageId = messageId,
            };
            // Not mandatory: a site with no agent yet has no queue bound, and that is not an error.
            await channel.BasicPublishAsync(ControlTopology.Exchange, routingKey, mandatory: false, properties, body, cancellationToken);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IChannel> EnsureChannelAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            throw new InvalidOperationException("Control:BrokerUri is not configured");
        }

        if (_connection is null || (!_connection.IsOpen && _connection.CloseReason is { Initiator: ShutdownInitiator.Application }))
        {
            if (_connection is not null)
            {
                await _connection.DisposeAsync();
            }

            var factory = new ConnectionFactory
            {
                Uri = new Uri(options.Value.BrokerUri!),
                AutomaticRecoveryEnabled = true,
                NetworkRecoveryInterval = TimeSpan.FromSeconds(2),
                ClientProvidedName = "fleetmonitor-api control",
            };
            _connection = await factory.CreateConnectionAsync(cancellationToken);
            _channel = null;
        }

        if (!_connection.IsOpen)
        {
            throw new InvalidOperationException("The broker connection is down and recovering");
        }

        if (_channel is null || _channel.IsClosed)
        {
            if (_channel is not null)
            {
                await _channel.DisposeAsync();
            }

            _channel = await _connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
            await _channel.ExchangeDeclareAsync(ControlTopology.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        }

        return _channel;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No control broker is configured: {Type} for {RoutingKey} is not sent")]
    private partial void LogNotDelivered(string type, string routingKey);
}
