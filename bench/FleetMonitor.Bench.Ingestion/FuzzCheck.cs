using System.Globalization;

namespace FleetMonitor.Bench.Ingestion;

/// <summary>Waits for Ingestion's queues to drain after a fuzz run and reports where the messages went.</summary>
public static class FuzzCheck
{
    public static readonly string[] Queues = ["ingestion-results", "ingestion-result-batches", "ingestion-heartbeats", "ingestion-schedule-status"];

    /// <summary>
    /// <paramref name="depth"/> reads a queue's ready messages (0 when it does not exist). Waits (up to <paramref name="within"/>) until no message is ready or unacknowledged in Ingestion's queues, then
    /// reads the error queues and the service's rejected-message counter (minus <paramref name="rejectedBefore"/>).
    /// </summary>
    public static async Task<FuzzOutcome> DrainAsync(
        Func<string, Task<long>> depth, string ingestionUrl, Func<Task<long>> unacknowledged, double rejectedBefore, TimeSpan within)
    {
        var started = TimeProvider.System.GetTimestamp();
        long ready, unacked;
        do
        {
            ready = 0;
            foreach (var queue in Queues)
            {
                ready += await depth(queue);
            }

            // Unacknowledged counts come from rabbitmqctl (an Erlang VM per call): asked only once nothing is ready.
            unacked = ready == 0 ? await unacknowledged() : -1;
            if (ready == 0 && unacked == 0)
            {
                break;
            }

            await Task.Delay(500);
        }
        while (TimeProvider.System.GetElapsedTime(started) < within);

        if (unacked < 0)
        {
            unacked = await unacknowledged();
        }

        long errors = 0;
        foreach (var queue in Queues)
        {
            errors += await depth(queue + "_error");
        }

        using var http = new HttpClient { BaseAddress = new Uri(ingestionUrl) };
        var healthy = (await http.GetAsync("/health")).IsSuccessStatusCode;
        var rejected = await RejectedTotalAsync(ingestionUrl);
        return new FuzzOutcome(ready, unacked, errors, (long)(rejected - rejectedBefore), healthy);
    }

    /// <summary>
    /// The sum of every series of Ingestion's rejected-message counter as its <c>/metrics</c> shows it (all queues, all
    /// reasons): read it before a run and pass it to <see cref="DrainAsync"/>, so rejections counted earlier in the same
    /// process (any queue or reason) cancel out.
    /// </summary>
    public static async Task<double> RejectedTotalAsync(string ingestionUrl)
    {
        using var http = new HttpClient { BaseAddress = new Uri(ingestionUrl) };
        return (await http.GetStringAsync("/metrics")).Split('\n')
            .Where(l => l.StartsWith("fleetmonitor_ingestion_messages_rejected_total{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }
}
