using FleetMonitor.Agent.Outbox;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Agent.Publishing;

/// <summary>Moves outbox messages to the transport in order; deletes them only after they were confirmed.</summary>
public sealed partial class OutboxRelay(
    ResultOutbox outbox,
    IResultTransport transport,
    IOptions<AgentOptions> options,
    TimeProvider timeProvider,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var sent = await RelayOnceAsync(stoppingToken);
                backoff = TimeSpan.FromMilliseconds(250);
                if (sent == 0)
                {
                    await outbox.WaitForMessagesAsync(IdleWait, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Nothing is deleted: the same messages go again once the broker is back (ingestion de-duplicates).
                LogPublishFailed(e.Message, backoff);
                await Task.Delay(backoff, timeProvider, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    /// <summary>Publishes one batch; returns how many messages were confirmed and deleted.</summary>
    public async Task<int> RelayOnceAsync(CancellationToken cancellationToken)
    {
        var batch = await outbox.PeekAsync(options.Value.Broker.PublishBatchSize, cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }

        await transport.PublishAsync(batch, cancellationToken);
        await outbox.DeleteAsync(batch.Select(m => m.Sequence), cancellationToken);
        return batch.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing failed ({Reason}); retrying in {Backoff}")]
    private partial void LogPublishFailed(string reason, TimeSpan backoff);
}
