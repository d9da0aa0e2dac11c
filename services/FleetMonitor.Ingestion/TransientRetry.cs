namespace FleetMonitor.Ingestion;

/// <summary>
/// Runs a database write until it succeeds, waiting longer after each transient failure (capped), for as long as the
/// caller's token allows: an outage of any length holds the message unacknowledged instead of parking it in an error
/// queue. On shutdown or a lost broker connection the token ends the wait and the broker redelivers the message.
/// </summary>
internal static partial class TransientRetry
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);

    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(15);

    public static async Task RunAsync(Func<CancellationToken, Task> write, TimeProvider timeProvider, ILogger logger, CancellationToken cancellationToken)
    {
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await write(cancellationToken);
                return;
            }
            catch (TransientStorageException e) when (!cancellationToken.IsCancellationRequested)
            {
                if (attempt > 1 && attempt % 20 == 0)
                {
                    // One message still waiting after many attempts: say so now and then (the writer logs the outage).
                    LogRetrying(logger, attempt, delay, e.InnerException?.Message ?? e.Message);
                }
            }

            // Jitter spreads the retries of many waiting messages over the interval.
            await Task.Delay(delay * (0.5 + (Random.Shared.NextDouble() / 2)), timeProvider, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, delay.Ticks * 2));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database is unavailable (attempt {Attempt}, next in about {Delay}): {Reason}; the message stays unacknowledged and is retried")]
    private static partial void LogRetrying(ILogger logger, int attempt, TimeSpan delay, string reason);
}
