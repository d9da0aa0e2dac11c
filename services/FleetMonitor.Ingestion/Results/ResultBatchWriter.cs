using System.Diagnostics;
using System.Threading.Channels;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Ingestion.Results;

/// <summary>
/// Collects results from many concurrent consumers and writes them in one transaction per batch; each consumer's
/// message is acknowledged only after its batch committed, so a crash loses nothing (the broker redelivers, and the
/// insert is idempotent on the result id).
/// </summary>
public sealed partial class ResultBatchWriter(
    ResultStore store,
    IBus bus,
    IngestionMetrics metrics,
    IOptions<IngestionOptions> options,
    TimeProvider timeProvider,
    ILogger<ResultBatchWriter> logger) : BackgroundService
{
    private readonly Channel<Pending> _channel = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues a validated result and completes when it is stored (or was stored before).</summary>
    public async Task WriteAsync(ProbeCompleted result, CancellationToken cancellationToken)
    {
        var pending = new Pending(result, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await _channel.Writer.WriteAsync(pending, cancellationToken);
        await pending.Stored.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Queues several validated results and completes when all of them are stored.</summary>
    public async Task WriteAsync(IReadOnlyList<ProbeCompleted> results, CancellationToken cancellationToken)
    {
        var stored = new Task[results.Count];
        for (var i = 0; i < results.Count; i++)
        {
            var pending = new Pending(results[i], new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            await _channel.Writer.WriteAsync(pending, cancellationToken);
            stored[i] = pending.Stored.Task;
        }

        await Task.WhenAll(stored).WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _channel.Reader;
        var maxSize = options.Value.MaxBatchSize;
        var batch = new List<Pending>(maxSize);
        using var flushes = new SemaphoreSlim(options.Value.MaxConcurrentBatches);
        var running = new List<Task>();
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                var deadline = timeProvider.GetTimestamp();
                while (batch.Count < maxSize)
                {
                    if (reader.TryRead(out var item))
                    {
                        batch.Add(item);
                        continue;
                    }

                    var left = options.Value.MaxBatchDelay - timeProvider.GetElapsedTime(deadline);
                    if (left <= TimeSpan.Zero)
                    {
                        break;
                    }

                    // Wait a little for more: a fuller batch is cheaper per row than a quick one.
                    var more = reader.WaitToReadAsync(stoppingToken).AsTask();
                    if (await Task.WhenAny(more, Task.Delay(left, timeProvider, stoppingToken)) != more || !await more)
                    {
                        break;
                    }
                }

                // Up to MaxConcurrentBatches writes overlap, so the database works while the next batch fills.
                await flushes.WaitAsync(stoppingToken);
                var full = batch;
                batch = new List<Pending>(maxSize);
                running.Add(Task.Run(
                    async () =>
                    {
                        try
                        {
                            await FlushAsync(full, stoppingToken);
                        }
                        finally
                        {
                            flushes.Release();
                        }
                    },
                    CancellationToken.None));
                running.RemoveAll(t => t.IsCompleted);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Unacknowledged messages go back to the broker.
        }
        finally
        {
            await Task.WhenAll(running);
            foreach (var item in batch)
            {
                item.Stored.TrySetCanceled(stoppingToken);
            }

            while (reader.TryRead(out var item))
            {
                item.Stored.TrySetCanceled(stoppingToken);
            }
        }
    }

    private async Task FlushAsync(List<Pending> batch, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        StoreBatchResult result;
        try
        {
            result = await store.StoreBatchAsync(batch.ConvertAll(p => p.Result), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogBatchFailed(e, batch.Count);
            foreach (var item in batch)
            {
                item.Stored.TrySetException(e);
            }

            return;
        }

        metrics.BatchWritten(batch.Count, Stopwatch.GetElapsedTime(started));
        metrics.BatchStored(result.Inserted, result.Duplicates);
        foreach (var item in batch)
        {
            metrics.ResultReceived(item.Result.Kind, OutcomeText.Format(item.Result.Outcome));
            item.Stored.TrySetResult();
        }

        if (result.Changes.Count > 0)
        {
            try
            {
                await bus.PublishBatch(result.Changes, cancellationToken);
                foreach (var change in result.Changes)
                {
                    metrics.StateChanged(change.Kind, OutcomeText.Format(change.Outcome));
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The state itself is stored and the messages are acknowledged; only this notification is lost (logged).
                LogPublishFailed(e, result.Changes.Count);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing a batch of {Count} results failed; the messages will be retried")]
    private partial void LogBatchFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Publishing {Count} state changes failed")]
    private partial void LogPublishFailed(Exception exception, int count);

    private sealed record Pending(ProbeCompleted Result, TaskCompletionSource Stored);
}
