using System.Threading.Channels;
using FleetMonitor.Contracts;
using FleetMonitor.Alerting.Policies;
using FleetMonitor.Storage;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Alerting.Evaluation;

/// <summary>
/// Collects what the consumers hand over and evaluates it in batches: whatever is waiting in a lane (up to
/// <see cref="AlertingOptions.EvaluationBatchSize"/>) in one transaction, in the order it was handed over. An
/// agent/probe always goes to the same lane and a lane runs one batch at a time, so each agent/probe's items keep their
/// order; the lanes (<see cref="AlertingOptions.EvaluationLanes"/>, one on SQLite) run side by side, as two Alerting
/// instances would (the windows are locked in one global order). A consumer's call completes when its item is
/// committed, so the broker's message is acknowledged only then. A batch that fails is evaluated again item by item, so
/// one bad item fails only its own message. Once stopped, callers evaluate their items themselves.
/// </summary>
public sealed partial class EvaluationBatcher : BackgroundService
{
    private readonly AlertEvaluator evaluator;
    private readonly IOptions<AlertingOptions> options;
    private readonly ILogger<EvaluationBatcher> logger;
    private readonly Channel<Pending>[] _lanes;

    public EvaluationBatcher(AlertEvaluator evaluator, IOptions<AlertingOptions> options, Database database, ILogger<EvaluationBatcher> logger)
    {
        this.evaluator = evaluator;
        this.options = options;
        this.logger = logger;

        // SQLite has one writer at a time: more lanes would only wait on its lock.
        var lanes = database.Dialect == StorageDialect.PostgreSql ? options.Value.EvaluationLanes : 1;
        _lanes = Enumerable.Range(0, lanes)
            .Select(_ => Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true }))
            .ToArray();
    }

    public Task EvaluateAsync(Observation result, CancellationToken cancellationToken) => EnqueueAsync([EvaluationItem.Of(result)], cancellationToken);

    public Task EvaluateAsync(ProbeStateChanged change, CancellationToken cancellationToken) => EnqueueAsync([EvaluationItem.Of(change)], cancellationToken);

    /// <summary>Evaluates <paramref name="results"/> in this order (they may still share a batch with others').</summary>
    public Task EvaluateAsync(IEnumerable<Observation> results, CancellationToken cancellationToken) =>
        EnqueueAsync(results.Select(EvaluationItem.Of).ToList(), cancellationToken);

    private async Task EnqueueAsync(List<EvaluationItem> items, CancellationToken cancellationToken)
    {
        var waits = new List<Task>(items.Count);
        lock (_lanes)
        {
            // Under the lock, one caller's items go in one after the other.
            foreach (var item in items)
            {
                var pending = new Pending(item);
                if (!LaneOf(item.Key).Writer.TryWrite(pending))
                {
                    pending.Done.TrySetCanceled(CancellationToken.None);
                }

                waits.Add(pending.Done.Task);
            }
        }

        try
        {
            await Task.WhenAll(waits).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The batcher stopped (or never ran) while the caller still runs (the bus stops after it in some hosts):
            // the caller's items are evaluated here, on their own. Any that a batch did evaluate are duplicates now.
            await evaluator.EvaluateAsync(items, cancellationToken);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_lanes.Select(lane => RunLaneAsync(lane, stoppingToken)));

    private Channel<Pending> LaneOf(AlertWindowKey key) =>
        _lanes.Length == 1
            ? _lanes[0]
            : _lanes[(int)((uint)HashCode.Combine(StringComparer.Ordinal.GetHashCode(key.AgentId), StringComparer.Ordinal.GetHashCode(key.ProbeId)) % (uint)_lanes.Length)];

    private async Task RunLaneAsync(Channel<Pending> lane, CancellationToken stoppingToken)
    {
        try
        {
            var batch = new List<Pending>();
            while (await lane.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < options.Value.EvaluationBatchSize && lane.Reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                }

                try
                {
                    await EvaluateAsync(batch, stoppingToken);
                }
                finally
                {
                    // Stopped in the middle: what the batch did not finish is given back to its callers.
                    foreach (var pending in batch)
                    {
                        pending.Done.TrySetCanceled(CancellationToken.None);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            // Nothing more is taken, and whatever was handed over and not evaluated is given back to its caller, which
            // evaluates it itself. (A stop before this ran at all is handled by StopAsync.)
            GiveBack(lane);
        }
    }

    private static void GiveBack(Channel<Pending> lane)
    {
        lane.Writer.TryComplete();
        while (lane.Reader.TryRead(out var left))
        {
            left.Done.TrySetCanceled(CancellationToken.None);
        }
    }

    /// <summary>
    /// Stops the batcher. .NET starts <see cref="BackgroundService.ExecuteAsync"/> on the thread pool with the stopping
    /// token, so a stop right after the start can cancel it before it ever ran, finally block and all: what is queued is
    /// given back to its callers here, once the loop is over, and nothing more is taken.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await base.StopAsync(cancellationToken);
        }
        finally
        {
            foreach (var lane in _lanes)
            {
                lane.Writer.TryComplete();
            }

            if (ExecuteTask is null || ExecuteTask.IsCompleted)
            {
                foreach (var lane in _lanes)
                {
                    GiveBack(lane);
                }
            }
        }
    }

    private async Task EvaluateAsync(List<Pending> batch, CancellationToken cancellationToken)
    {
        try
        {
            await evaluator.EvaluateAsync(batch.Select(p => p.Item).ToList(), cancellationToken);
            foreach (var pending in batch)
            {
                pending.Done.TrySetResult();
            }

            return;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            if (batch.Count == 1)
            {
                batch[0].Done.TrySetException(e);
                return;
            }

            LogBatchFailed(batch.Count, e.GetType().Name, e.Message);
        }

        foreach (var pending in batch)
        {
            try
            {
                await evaluator.EvaluateAsync([pending.Item], cancellationToken);
                pending.Done.TrySetResult();
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                pending.Done.TrySetException(e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evaluating a batch of {Count} failed ({ErrorType}: {Error}); evaluating its items one by one")]
    private partial void LogBatchFailed(int count, string errorType, string error);

    private sealed record Pending(EvaluationItem Item)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
