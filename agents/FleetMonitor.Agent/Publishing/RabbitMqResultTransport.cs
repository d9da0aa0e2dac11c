using FleetMonitor.Agent.Outbox;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace FleetMonitor.Agent.Publishing;

/// <summary>
/// Publishes plain JSON to the agents' exchange with RabbitMQ.Client: persistent, mandatory, with publisher
/// confirms. A lost connection or a channel closed by the broker is reopened on the next publish, which the relay
/// spaces out with jittered back-off. A message the broker refuses (403, returned) throws <see cref="PublishRefusedException"/>.
/// </summary>
public sealed partial class RabbitMqResultTransport(
    IOptions<AgentOptions> options,
    ILogger<RabbitMqResultTransport> logger) : IResultTransport, IAsyncDisposable
{
    private const int AccessRefused = 403;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;
    private IChannel? _channel;
    private string? _user;

    public async Task PublishAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var channel = await EnsureChannelAsync(cancellationToken);
            var agent = options.Value;
            var exchange = agent.Broker.Exchange;
            var packed = ResultPacker.Pack(messages, agent.AgentId, agent.SiteId, agent.Broker.MaxResultsPerMessage);
            var publishes = new List<Task>(packed.Count);
            foreach (var message in packed)
            {
                var properties = new BasicProperties
                {
                    Persistent = true,
                    ContentType = "application/json",
                    MessageId = message.MessageId,
                    Type = message.Type,
                    AppId = options.Value.AgentId,
                    // The broker refuses a user_id other than the connection's user; Ingestion maps it to the enrolled agent.
                    UserId = _user,
                };
                // With confirmation tracking on, each task completes when the broker confirms, and throws on a nack
                // or, as the message is mandatory, when no queue is bound to take it.
                publishes.Add(channel.BasicPublishAsync(exchange, message.RoutingKey, mandatory: true, properties, message.Body, cancellationToken).AsTask());
            }

            try
            {
                await Task.WhenAll(publishes).WaitAsync(agent.Broker.PublishTimeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                // The broker took the messages (or not) and never confirmed: this connection is not to be trusted.
                LogUnconfirmed(packed.Count, agent.Broker.PublishTimeout);
                _ = Task.WhenAll(publishes).ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                await DropConnectionAsync();
                throw new TimeoutException($"the broker did not confirm {packed.Count} messages within {agent.Broker.PublishTimeout}; reconnecting");
            }
        }
        catch (PublishReturnException e)
        {
            throw new PublishRefusedException($"returned by the broker: {e.ReplyCode} {e.ReplyText} (exchange '{e.Exchange}', routing key '{e.RoutingKey}')", e);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason is { ReplyCode: AccessRefused } && _connection is { IsOpen: true })
        {
            // The channel was closed for this publish while the connection stays up: the broker refuses the message.
            throw new PublishRefusedException($"refused by the broker: {e.ShutdownReason.ReplyCode} {e.ShutdownReason.ReplyText}", e);
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

    private async Task DropConnectionAsync()
    {
        var connection = _connection;
        _connection = null;
        _channel = null;
        if (connection is not null)
        {
            // Abort: no close handshake with a broker that does not answer, bounded in time.
            await connection.AbortAsync(TimeSpan.FromSeconds(2));
            await connection.DisposeAsync();
        }
    }

    private async Task<IChannel> EnsureChannelAsync(CancellationToken cancellationToken)
    {
        if (_connection is null || !_connection.IsOpen)
        {
            var broker = options.Value.Broker;
            var factory = new ConnectionFactory
            {
                Uri = new Uri(broker.Uri),
                // The client's own recovery retries at a fixed interval, the whole fleet in step after a broker restart;
                // reconnection is left to the relay's jittered back-off instead.
                AutomaticRecoveryEnabled = false,
                ClientProvidedName = $"fleetmonitor-agent {options.Value.AgentId}",
            };
            if (_connection is not null)
            {
                await _connection.DisposeAsync();
            }

            _connection = await BrokerEndpoints.ConnectAsync(factory, broker, cancellationToken);
            _user = factory.UserName;
            _channel = null;
            LogConnected(broker.Uri.Split('@')[^1]);
        }

        if (_channel is null || _channel.IsClosed)
        {
            if (_channel is not null)
            {
                await _channel.DisposeAsync();
            }

            _channel = await _connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
                cancellationToken);
            if (options.Value.Broker.DeclareExchange)
            {
                await _channel.ExchangeDeclareAsync(options.Value.Broker.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
            }
        }

        return _channel;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The broker did not confirm {Count} messages within {Timeout}: dropping the connection")]
    private partial void LogUnconfirmed(int count, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to the broker at {Broker}")]
    private partial void LogConnected(string broker);
}
