using FleetMonitor.Contracts;
using FleetMonitor.Storage;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Ingestion.Results;

/// <summary>
/// Publishes the state-change outbox: in sequence order, the events of one agent/probe one after the other (different
/// agent/probes concurrently), marking them sent after the broker confirmed them. Woken by the batch writer after a
/// commit that recorded changes, and every <see cref="IngestionOptions.RelayPollInterval"/> in any case; failures
/// (broker or database away) are retried with back-off and never hold up the writer.
/// </summary>
public sealed partial class StateChangeRelay(
    StateChangeOutbox outbox,
    IBus bus,
    AlertingQueueDeclaration alertingQueue,
    IOptions<IngestionOptions> options,
    TimeProvider timeProvider,
    ILogger<StateChangeRelay> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Asks for a relay pass soon (cheap; several calls before the pass make one pass).</summary>
    public void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
        catch (ObjectDisposedException)
        {
            // Stopped and disposed: the outbox rows wait for the next start.
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // The alerting queue exists before the first change goes out (declared once; retried on failure).
                await alertingQueue.EnsureAsync(stoppingToken);
                int relayed;
                do
                {
                    relayed = await outbox.RelayAsync(options.Value.RelayBatchSize, PublishAsync, stoppingToken);
                }
                while (relayed == options.Value.RelayBatchSize);

                failures = 0;
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                await Task.WhenAny(_wake.WaitAsync(wait.Token), Task.Delay(options.Value.RelayPollInterval, timeProvider, wait.Token));
                await wait.CancelAsync();
                stoppingToken.ThrowIfCancellationRequested();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(15_000, 250 * Math.Pow(2, Math.Min(failures, 10))));
                LogRelayFailed(e, failures, delay);
                try
                {
                    await Task.Delay(delay, timeProvider, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task PublishAsync(IReadOnlyList<ProbeStateChanged> changes, CancellationToken cancellationToken)
    {
        // A publish that cannot complete (broker away) is abandoned after a while: the rows stay unsent and go again.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.RelayPublishTimeout);
        await Task.WhenAll(changes
            .GroupBy(c => (c.AgentId, c.ProbeId))
            .Select(async key =>
            {
                foreach (var change in key)
                {
                    await bus.Publish(change, timeout.Token);
                }
            }));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing state changes failed ({Failures} in a row); retrying in {Delay}")]
    private partial void LogRelayFailed(Exception exception, int failures, TimeSpan delay);
}
