using System.Diagnostics;
using System.Threading.Channels;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Ingestion.Results;

/// <summary>
/// Collects results from many concurrent consumers and writes them in one transaction per batch; each consumer's
/// message is acknowledged only after its batch committed, so a crash loses nothing (the broker redelivers, and the
/// insert is idempotent on the result id). Every queued write is completed on every path — stored, failed (a
/// transient database failure as <see cref="TransientStorageException"/>), or cancelled on shutdown — so no consumer
/// waits forever. State changes go to the outbox in the same transaction; the relay publishes them, outside the flush.
/// </summary>
public sealed partial class ResultBatchWriter(
    ResultStore store,
    StateChangeRelay relay,
    IngestionMetrics metrics,
    IOptions<IngestionOptions> options,
    TimeProvider timeProvider,
    ILogger<ResultBatchWriter> logger) : BackgroundService
{
    private readonly Channel<Pending> _channel = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly LogThrottle _transientLog = new(timeProvider, TimeSpan.FromSeconds(10));

    /// <summary>Queues a validated result and completes when it is stored (or was stored before).</summary>
    public Task WriteAsync(ProbeCompleted result, CancellationToken cancellationToken) => WriteAsync([result], cancellationToken);

    /// <summary>
    /// Queues validated results and completes when all of them are stored; throws <see cref="TransientStorageException"/>
    /// when the database could not be written for a passing reason, and anything else when it never will be.
    /// </summary>
    public async Task WriteAsync(IReadOnlyList<ProbeCompleted> results, CancellationToken cancellationToken)
    {
        if (results.Count == 0)
        {
            return;
        }

        var pending = new Pending(results, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_channel.Writer.TryWrite(pending))
        {
            throw new OperationCanceledException("Ingestion is stopping");
        }

        // The writer completes the item on every path; a consumer that gives up (its message is redelivered) only
        // stops waiting — the rows, if written, are written once.
        await pending.Done.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _channel.Reader;
        var maxSize = options.Value.MaxBatchSize;
        var batch = new List<Pending>();
        var batchResults = 0;
        using var flushes = new SemaphoreSlim(options.Value.MaxConcurrentBatches);
        var running = new HashSet<Task>();
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                var started = timeProvider.GetTimestamp();
                while (batchResults < maxSize)
                {
                    if (reader.TryRead(out var item))
                    {
                        batch.Add(item);
                        batchResults += item.Results.Count;
                        continue;
                    }

                    var left = options.Value.MaxBatchDelay - timeProvider.GetElapsedTime(started);
                    if (left <= TimeSpan.Zero)
                    {
                        break;
                    }

                    // Wait a little for more: a fuller batch is cheaper per row than a quick one.
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    var more = reader.WaitToReadAsync(wait.Token).AsTask();
                    var timeout = Task.Delay(left, timeProvider, wait.Token);
                    var first = await Task.WhenAny(more, timeout);
                    await wait.CancelAsync();
                    stoppingToken.ThrowIfCancellationRequested();
                    if (first != more || !more.IsCompletedSuccessfully || !more.Result)
                    {
                        break;
                    }
                }

                // Up to MaxConcurrentBatches writes overlap, so the database works while the next batch fills.
                await flushes.WaitAsync(stoppingToken);
                var full = batch;
                batch = [];
                batchResults = 0;
                var flush = FlushAsync(full, flushes, stoppingToken);
                lock (running)
                {
                    running.Add(flush);
                }

                _ = flush.ContinueWith(
                    t =>
                    {
                        lock (running)
                        {
                            running.Remove(t);
                        }

                        if (t.Exception is { } e)
                        {
                            LogFlushFaulted(e.GetBaseException());
                        }
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Unacknowledged messages go back to the broker.
        }
        finally
        {
            _channel.Writer.TryComplete();
            Task[] left;
            lock (running)
            {
                left = [.. running];
            }

            await Task.WhenAll(left).ContinueWith(_ => { }, TaskScheduler.Default);
            Cancel(batch, stoppingToken);
            while (reader.TryRead(out var item))
            {
                item.Done.TrySetCanceled(stoppingToken);
            }
        }
    }

    /// <summary>
    /// Stops the writer. A host stopped right after it started can cancel <see cref="BackgroundService.ExecuteAsync"/>
    /// before it ever ran (the base class starts it on the thread pool with the stopping token), so nothing would
    /// complete what is queued: it is cancelled here once the loop is over, and nothing more is accepted.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await base.StopAsync(cancellationToken);
        }
        finally
        {
            _channel.Writer.TryComplete();
            if (ExecuteTask is null || ExecuteTask.IsCompleted)
            {
                while (_channel.Reader.TryRead(out var item))
                {
                    item.Done.TrySetCanceled(CancellationToken.None);
                }
            }
        }
    }

    /// <summary>Writes one batch; completes every item whatever happens, and never throws.</summary>
    private async Task FlushAsync(List<Pending> batch, SemaphoreSlim flushes, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Yield();
            var failure = await StoreAsync(batch, cancellationToken);
            if (failure is not null && batch.Count > 1)
            {
                // One message's rows failed the whole batch for a lasting reason (a value the database refuses):
                // each message is written alone, so that only the bad one fails and the others are stored.
                LogBatchSplit(batch.Count, failure.Message);
                foreach (var item in batch)
                {
                    if (await StoreAsync([item], cancellationToken) is { } itemFailure)
                    {
                        LogBatchFailed(itemFailure, item.Results.Count);
                        item.Done.TrySetException(itemFailure);
                    }
                }
            }
            else if (failure is not null)
            {
                LogBatchFailed(failure, batch[0].Results.Count);
                batch[0].Done.TrySetException(failure);
            }
        }
        catch (Exception e)
        {
            // Only bookkeeping can get here; the items are completed below in any case.
            LogFlushFaulted(e);
        }
        finally
        {
            foreach (var item in batch)
            {
                item.Done.TrySetException(new InvalidOperationException("The batch ended without a result"));
            }

            flushes.Release();
        }
    }

    /// <summary>
    /// Stores the items in one transaction and completes them: stored, transient failure, or cancelled. Returns a
    /// lasting failure without completing the items (the caller decides), null otherwise.
    /// </summary>
    private async Task<Exception?> StoreAsync(List<Pending> batch, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var results = new List<ProbeCompleted>(batch.Sum(p => p.Results.Count));
        foreach (var item in batch)
        {
            results.AddRange(item.Results);
        }

        StoreBatchResult stored;
        try
        {
            stored = await store.StoreBatchAsync(results, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Cancel(batch, cancellationToken);
            return null;
        }
        catch (Exception e) when (TransientFailures.IsTransient(e))
        {
            if (_transientLog.ShouldLog())
            {
                LogBatchFailedTransient(results.Count, e.Message);
            }

            var failure = new TransientStorageException("The database is unavailable: " + e.Message, e);
            foreach (var item in batch)
            {
                item.Done.TrySetException(failure);
            }

            return null;
        }
        catch (Exception e)
        {
            return e;
        }

        // Release the consumers first: nothing after the commit may hold up an acknowledgement.
        foreach (var item in batch)
        {
            item.Done.TrySetResult();
        }

        if (stored.Changes.Count > 0)
        {
            relay.Wake();
        }

        var committedAt = timeProvider.GetUtcNow();
        metrics.BatchWritten(results.Count, Stopwatch.GetElapsedTime(started));
        metrics.BatchStored(stored.Inserted, stored.Duplicates);
        foreach (var result in results)
        {
            metrics.ResultReceived(result);
            metrics.ResultCommitted(result, committedAt);
        }

        foreach (var change in stored.Changes)
        {
            metrics.StateChanged(change.Kind, OutcomeText.Format(change.Outcome));
        }

        return null;
    }

    private static void Cancel(List<Pending> batch, CancellationToken cancellationToken)
    {
        foreach (var item in batch)
        {
            item.Done.TrySetCanceled(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing a batch of {Count} results failed")]
    private partial void LogBatchFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database is unavailable: writing a batch of {Count} results failed ({Reason}); its messages stay unacknowledged and are retried (logged once per 10 s)")]
    private partial void LogBatchFailedTransient(int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing a batch of {Count} messages failed ({Reason}); writing each message alone")]
    private partial void LogBatchSplit(int count, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch flush failed outside the database write")]
    private partial void LogFlushFaulted(Exception exception);

    private sealed record Pending(IReadOnlyList<ProbeCompleted> Results, TaskCompletionSource Done);
}
