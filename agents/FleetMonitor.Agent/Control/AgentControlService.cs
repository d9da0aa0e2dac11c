using System.Text.Json;
using FleetMonitor.Agent.Scheduling;
using FleetMonitor.Contracts;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace FleetMonitor.Agent.Control;

/// <summary>
/// The agent's end of the control channel: runs the cached site schedule at start, then consumes the agent's own
/// durable queue (<c>agent.{agentId}</c>) for <see cref="SiteScheduleChanged"/> and <see cref="RunProbeNow"/>, and asks
/// for the current schedule each time it (re)connects. The connection recovers by itself after a broker outage.
/// </summary>
public sealed partial class AgentControlService(
    IOptions<AgentOptions> options,
    ScheduleApplier applier,
    ScheduleCache cache,
    ScheduleStatus status,
    ProbeExecutor executor,
    AgentMessages messages,
    TimeProvider timeProvider,
    ILogger<AgentControlService> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly HashSet<Guid> _requestsRun = [];
    private readonly Queue<Guid> _requestOrder = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Control.Enabled)
        {
            return;
        }

        try
        {
            if (await cache.LoadAsync(stoppingToken) is { } cached)
            {
                await applier.ApplyAsync(cached, stoppingToken);
                LogCacheApplied(cached.Version);
            }
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            LogCacheUnreadable(e.Message);
        }

        var backoff = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ConsumeAsync(stoppingToken);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogConnectFailed(e.Message, backoff);
                await Task.Delay(backoff, timeProvider, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        var agent = options.Value;
        var factory = new ConnectionFactory
        {
            Uri = new Uri(agent.Broker.Uri),
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(2),
            ClientProvidedName = $"fleetmonitor-agent {agent.AgentId} control",
        };
        await using var connection = await Publishing.BrokerEndpoints.ConnectAsync(factory, agent.Broker, stoppingToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
        var queue = ControlTopology.AgentQueue(agent.AgentId);
        if (agent.Control.DeclareQueue)
        {
            await channel.ExchangeDeclareAsync(ControlTopology.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: stoppingToken);
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: stoppingToken);
            await channel.QueueBindAsync(queue, ControlTopology.Exchange, ControlTopology.AgentRoutingKey(agent.AgentId), cancellationToken: stoppingToken);
            await channel.QueueBindAsync(queue, ControlTopology.Exchange, ControlTopology.SiteRoutingKey(agent.SiteId), cancellationToken: stoppingToken);
        }

        await channel.BasicQosAsync(0, 8, false, stoppingToken);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            try
            {
                await HandleAsync(delivery, stoppingToken);
            }
            catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException)
            {
                // A message this agent cannot read is dropped: a later schedule replaces it whole.
                LogUnreadable(delivery.BasicProperties.Type, e.Message);
            }

            await channel.BasicAckAsync(delivery.DeliveryTag, false, stoppingToken);
        };
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer, stoppingToken);
        LogListening(queue);

        connection.RecoverySucceededAsync += async (_, _) => await RequestScheduleAsync(channel, factory.UserName, stoppingToken);
        await RequestScheduleAsync(channel, factory.UserName, stoppingToken);
        await Task.Delay(Timeout.Infinite, stoppingToken);
    }

    private async Task RequestScheduleAsync(IChannel channel, string user, CancellationToken cancellationToken)
    {
        var agent = options.Value;
        var request = new ScheduleRequested
        {
            SchemaVersion = ScheduleRequested.CurrentSchemaVersion,
            AgentId = agent.AgentId,
            SiteId = agent.SiteId,
            AppliedVersion = status.AppliedVersion ?? 0,
            SentAt = timeProvider.GetUtcNow(),
        };
        var properties = new BasicProperties { ContentType = "application/json", Type = nameof(ScheduleRequested), UserId = user };
        await channel.BasicPublishAsync(
            agent.Broker.Exchange, $"{ControlTopology.ScheduleRequestRoutingPrefix}.{agent.SiteId}", mandatory: false, properties,
            JsonSerializer.SerializeToUtf8Bytes(request, ControlJsonContext.Default.ScheduleRequested), cancellationToken);
    }

    private async Task HandleAsync(BasicDeliverEventArgs delivery, CancellationToken cancellationToken)
    {
        switch (delivery.BasicProperties.Type)
        {
            case nameof(SiteScheduleChanged):
                var schedule = JsonSerializer.Deserialize(delivery.Body.Span, ControlJsonContext.Default.SiteScheduleChanged)
                    ?? throw new JsonException("empty schedule");
                if (await applier.ApplyAsync(schedule, cancellationToken))
                {
                    await cache.SaveAsync(schedule, cancellationToken);
                }

                break;
            case nameof(RunProbeNow):
                var command = JsonSerializer.Deserialize(delivery.Body.Span, ControlJsonContext.Default.RunProbeNow)
                    ?? throw new JsonException("empty command");
                RunNow(command, cancellationToken);
                break;
            default:
                LogUnknownType(delivery.BasicProperties.Type);
                break;
        }
    }

    /// <summary>Runs the probe in the background (the queue goes on meanwhile); one request id runs once.</summary>
    private void RunNow(RunProbeNow command, CancellationToken cancellationToken)
    {
        var agent = options.Value;
        if (command.SiteId != agent.SiteId || (command.AgentId is not null && command.AgentId != agent.AgentId))
        {
            return;
        }

        lock (_requestsRun)
        {
            if (!_requestsRun.Add(command.RequestId))
            {
                return;
            }

            _requestOrder.Enqueue(command.RequestId);
            if (_requestOrder.Count > 1000)
            {
                _requestsRun.Remove(_requestOrder.Dequeue());
            }
        }

        var definition = ScheduleApplier.ToDefinition(command.Probe, agent);
        _ = Task.Run(
            async () =>
            {
                try
                {
                    var result = await executor.RunAsync(agent.AgentId, agent.SiteId, definition, cancellationToken);
                    await messages.EnqueueAsync(result, cancellationToken);
                    LogRanNow(definition.Id, command.RequestId);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                }
            },
            cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Running the cached site schedule version {Version}")]
    private partial void LogCacheApplied(long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cached site schedule cannot be read ({Reason}); waiting for the server's")]
    private partial void LogCacheUnreadable(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Control channel: {Reason}; retrying in {Backoff}")]
    private partial void LogConnectFailed(string reason, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on {Queue}")]
    private partial void LogListening(string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Control message of type {Type} dropped: {Reason}")]
    private partial void LogUnreadable(string? type, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Control message of unknown type {Type} dropped")]
    private partial void LogUnknownType(string? type);

    [LoggerMessage(Level = LogLevel.Information, Message = "Probe {ProbeId} run now (request {RequestId})")]
    private partial void LogRanNow(string probeId, Guid requestId);
}
