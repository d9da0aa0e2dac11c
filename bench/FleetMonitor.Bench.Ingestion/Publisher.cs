using System.Diagnostics;
using RabbitMQ.Client;

namespace FleetMonitor.Bench.Ingestion;

/// <summary>Publishes persistent messages with publisher confirms, in confirm rounds, at most at a given rate.</summary>
internal sealed class Publisher(IChannel channel, string exchange, Func<long, (string RoutingKey, ReadOnlyMemory<byte> Body)> next)
{
    public long Published { get; private set; }

    /// <summary>Messages published (and confirmed) together; 250 by default.</summary>
    public int Round { get; init; } = 250;

    /// <summary>Awaited before each round, e.g. to hold the backlog at the broker under a bound; none by default.</summary>
    public Func<CancellationToken, Task>? BeforeRound { get; init; }

    public async Task RunAsync(TimeSpan duration, double ratePerSecond, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var tasks = new List<Task>(Round);
        while (Stopwatch.GetElapsedTime(started) < duration && !cancellationToken.IsCancellationRequested)
        {
            if (ratePerSecond > 0)
            {
                var due = TimeSpan.FromSeconds(Published / ratePerSecond) - Stopwatch.GetElapsedTime(started);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, cancellationToken);
                }
            }

            if (BeforeRound is not null)
            {
                await BeforeRound(cancellationToken);
            }

            tasks.Clear();
            for (var i = 0; i < Round; i++)
            {
                var (routingKey, body) = next(Published + i);
                // The publish moment rides in message_id, so that the raw consumer can measure latency.
                var properties = new BasicProperties { Persistent = true, ContentType = "application/json", MessageId = Stopwatch.GetTimestamp().ToString(System.Globalization.CultureInfo.InvariantCulture) };
                tasks.Add(channel.BasicPublishAsync(exchange, routingKey, mandatory: false, properties, body, cancellationToken).AsTask());
            }

            await Task.WhenAll(tasks);
            Published += Round;
        }
    }
}
