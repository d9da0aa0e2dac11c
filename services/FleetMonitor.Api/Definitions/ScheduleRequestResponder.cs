using System.Text.Json;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace FleetMonitor.Api.Definitions;

/// <summary>
/// Answers agents' <see cref="ScheduleRequested"/> (queue <c>control-schedule-requests</c> on the agents' exchange) with
/// their site's current <see cref="SiteScheduleChanged"/>, sent to the asking agent's own queue. An enrolled agent's
/// identity is its broker user (the AMQP user_id the broker checked), not what the body says.
/// </summary>
public sealed partial class ScheduleRequestResponder(
    IOptions<ControlOptions> options,
    ControlPublisher publisher,
    ScheduleStore schedules,
    EnrolmentStore enrolment,
    TimeProvider timeProvider,
    ILogger<ScheduleRequestResponder> logger) : BackgroundService
{
    public const string QueueName = "control-schedule-requests";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!publisher.Enabled)
        {
            return;
        }

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
                LogConsumeFailed(e.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), timeProvider, stoppingToken);
            }
        }
    }

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(options.Value.BrokerUri!),
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(2),
            ClientProvidedName = "fleetmonitor-api schedule-requests",
        };
        await using var connection = await factory.CreateConnectionAsync(stoppingToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
        await channel.ExchangeDeclareAsync(WireFormat.AgentExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: stoppingToken);
        await channel.QueueDeclareAsync(QueueName, durable: true, exclusive: false, autoDelete: false, cancellationToken: stoppingToken);
        await channel.QueueBindAsync(QueueName, WireFormat.AgentExchange, ControlTopology.ScheduleRequestRoutingPrefix + ".#", cancellationToken: stoppingToken);
        await channel.BasicQosAsync(0, 16, false, stoppingToken);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            try
            {
                await AnswerAsync(delivery, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // An unreadable request is dropped: the agent asks again at its next start and keeps its cached schedule meanwhile.
                LogRequestDropped(e.Message);
            }

            await channel.BasicAckAsync(delivery.DeliveryTag, false, stoppingToken);
        };
        await channel.BasicConsumeAsync(QueueName, autoAck: false, consumer, stoppingToken);
        await Task.Delay(Timeout.Infinite, stoppingToken);
    }

    private async Task AnswerAsync(BasicDeliverEventArgs delivery, CancellationToken cancellationToken)
    {
        var request = JsonSerializer.Deserialize<ScheduleRequested>(delivery.Body.Span, WireFormat.Options)
            ?? throw new JsonException("empty request");
        var (agentId, siteId) = (request.AgentId, request.SiteId);
        if (delivery.BasicProperties.UserId is { Length: > 0 } user && await enrolment.GetIdentityByBrokerUserAsync(user, cancellationToken) is { } identity)
        {
            if (identity.RevokedAt is not null || identity.AgentId != agentId || identity.SiteId != siteId)
            {
                LogImpersonation(user, agentId, siteId);
                return;
            }
        }

        var schedule = await schedules.GetScheduleAsync(siteId, cancellationToken);
        await publisher.PublishScheduleToAgentAsync(agentId, schedule, cancellationToken);
        LogAnswered(agentId, siteId, schedule.Version);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule requests: {Reason}; retrying")]
    private partial void LogConsumeFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule request dropped: {Reason}")]
    private partial void LogRequestDropped(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broker user {User} asked for the schedule of agent {AgentId} at site {SiteId}, which it is not")]
    private partial void LogImpersonation(string user, string agentId, string siteId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sent schedule version {Version} of site {SiteId} to agent {AgentId}")]
    private partial void LogAnswered(string agentId, string siteId, long version);
}
