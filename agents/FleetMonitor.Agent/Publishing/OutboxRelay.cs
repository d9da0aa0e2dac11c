using FleetMonitor.Agent.Outbox;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Agent.Publishing;

/// <summary>
/// Moves outbox messages to the transport in order; deletes them only after they were confirmed. When the broker
/// refuses a batch, the messages go one at a time: one refused <c>MaxRefusals</c> times in a row is moved to the
/// dead-letter table so that it does not hold up the rest. Failures wait with jittered exponential back-off.
/// </summary>
public sealed partial class OutboxRelay(
    ResultOutbox outbox,
    IResultTransport transport,
    IOptions<AgentOptions> options,
    TimeProvider timeProvider,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(5);
    private readonly Dictionary<long, int> _refusals = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var broker = options.Value.Broker;
        var attempt = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var started = timeProvider.GetTimestamp();
                var sent = await RelayOnceAsync(stoppingToken);
                attempt = 0;
                if (sent == 0)
                {
                    if (await outbox.WaitForMessagesAsync(IdleWait, stoppingToken) && broker.Linger > TimeSpan.Zero)
                    {
                        // The rest of a schedule tick's results follow within moments: they go in the same message.
                        await Task.Delay(broker.Linger, timeProvider, stoppingToken);
                    }
                }
                else if (PaceFor(sent, broker.MaxResultsPerSecond, timeProvider.GetElapsedTime(started)) is { } pause)
                {
                    await Task.Delay(pause, timeProvider, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Nothing is deleted: the same messages go again once the broker is back (ingestion de-duplicates).
                var delay = ReconnectDelay.Next(attempt++, broker.MinReconnectDelay, broker.MaxReconnectDelay, Random.Shared);
                LogPublishFailed(e.Message, delay);
                await Task.Delay(delay, timeProvider, stoppingToken);
            }
        }
    }

    /// <summary>
    /// How long to wait after a round that sent <paramref name="sent"/> entries in <paramref name="elapsed"/>, so that
    /// the relay stays at or below <paramref name="maxPerSecond"/> (0: no limit); null when no wait is needed.
    /// </summary>
    public static TimeSpan? PaceFor(int sent, int maxPerSecond, TimeSpan elapsed)
    {
        if (maxPerSecond <= 0 || sent <= 0)
        {
            return null;
        }

        var pause = TimeSpan.FromSeconds(sent / (double)maxPerSecond) - elapsed;
        return pause > TimeSpan.Zero ? pause : null;
    }

    /// <summary>Publishes one batch; returns how many messages left the outbox (confirmed or dead-lettered).</summary>
    /// <exception cref="PublishRefusedException">A message was refused fewer than <c>MaxRefusals</c> times so far.</exception>
    public async Task<int> RelayOnceAsync(CancellationToken cancellationToken)
    {
        var batch = await outbox.PeekAsync(options.Value.Broker.PublishBatchSize, cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }

        try
        {
            await transport.PublishAsync(batch, cancellationToken);
            await outbox.DeleteAsync(batch.Select(m => m.Sequence), cancellationToken);
            _refusals.Clear();
            return batch.Count;
        }
        catch (PublishRefusedException) when (batch.Count > 1)
        {
            // Which one? One at a time tells; the others are sent on the way.
        }

        var done = 0;
        foreach (var message in batch)
        {
            try
            {
                await transport.PublishAsync([message], cancellationToken);
                await outbox.DeleteAsync([message.Sequence], cancellationToken);
                _refusals.Remove(message.Sequence);
                done++;
            }
            catch (PublishRefusedException e)
            {
                var refusals = _refusals[message.Sequence] = _refusals.GetValueOrDefault(message.Sequence) + 1;
                if (refusals < options.Value.Broker.MaxRefusals)
                {
                    throw;
                }

                await outbox.DeadLetterAsync(message, e.Message, cancellationToken);
                _refusals.Remove(message.Sequence);
                LogDeadLettered(message.MessageId, message.RoutingKey, refusals, e.Message);
                done++;
            }
        }

        return done;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing failed ({Reason}); retrying in {Delay}")]
    private partial void LogPublishFailed(string reason, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} ({RoutingKey}) was refused by the broker {Refusals} times and moved to the dead-letter table: {Reason}")]
    private partial void LogDeadLettered(string messageId, string routingKey, int refusals, string reason);
}
