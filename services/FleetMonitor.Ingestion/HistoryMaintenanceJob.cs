using FleetMonitor.Storage;
using Microsoft.Extensions.Options;
using Quartz;

namespace FleetMonitor.Ingestion;

/// <summary>
/// The server-side Quartz job that keeps history in shape (<see cref="HistoryMaintenance"/>): partitions days ahead,
/// hourly roll-ups, retention. Runs at start and every <see cref="RetentionOptions.Interval"/>; with several
/// Ingestion replicas one runs it at a time (the store's advisory lock), the others skip.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class HistoryMaintenanceJob(HistoryMaintenance maintenance, IOptions<RetentionOptions> options, ILogger<HistoryMaintenanceJob> logger) : IJob
{
    public static readonly JobKey Key = new("history-maintenance", "fleetmonitor-ingestion");

    public async Task Execute(IJobExecutionContext context)
    {
        var o = options.Value;
        try
        {
            var outcome = await maintenance.RunAsync(
                o.PartitionDaysAhead, o.RollupRecentHours, TimeSpan.FromDays(o.Days), TimeSpan.FromDays(o.RollupDays), context.CancellationToken);
            LogDone(outcome.PartitionsMade, outcome.RowsMoved, outcome.PartitionsDropped, outcome.RowsDeleted, outcome.RollupsDeleted, outcome.Skipped);
        }
        catch (Exception e) when (!context.CancellationToken.IsCancellationRequested)
        {
            // The next run tries again; partitions are made days ahead, so one missed run costs nothing.
            LogFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "History maintenance: {Made} partitions made ({Moved} rows moved from the default partition), {Dropped} dropped, {Deleted} old rows deleted, {RollupsDeleted} old roll-ups deleted, skipped (another replica): {Skipped}")]
    private partial void LogDone(int made, long moved, int dropped, long deleted, long rollupsDeleted, bool skipped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "History maintenance failed; it runs again at the next interval")]
    private partial void LogFailed(Exception exception);
}
