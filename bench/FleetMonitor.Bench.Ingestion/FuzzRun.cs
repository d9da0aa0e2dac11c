using System.Globalization;
using FleetMonitor.Contracts;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace FleetMonitor.Bench.Ingestion;

/// <summary>
/// Publishes random and mutated messages (<see cref="FuzzMessages"/>) to Ingestion's three queues through the real
/// broker, then one valid result, and checks: every queue drained, nothing unacknowledged, every message that was
/// not stored is in an error queue and counted, Ingestion still healthy and storing.
/// </summary>
internal static class FuzzRun
{
    public static async Task<int> RunAsync(long count, int seed, TimeSpan? publishFor = null)
    {
        await using var environment = new BenchEnvironment();
        await environment.CreateAsync();
        // Every fuzz message is expected to fail: MassTransit's log line (with a stack trace) per fault would cost more
        // than the message itself. The outcome is checked on the error queues and Ingestion's counters instead.
        await using var app = await BenchIngestion.StartAsync(environment, builder => builder.Logging.AddFilter("MassTransit", LogLevel.None));
        var factory = new ConnectionFactory { Uri = new Uri(environment.AmqpUri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));

        // A time limit stops publishing early (a busy machine); the drain check then runs on what was published.
        using var stop = new CancellationTokenSource(publishFor ?? Timeout.InfiniteTimeSpan);
        var fuzz = new FuzzMessages(seed);
        var started = TimeProvider.System.GetTimestamp();
        var properties = new BasicProperties { Persistent = true, ContentType = "application/json" };
        var confirms = new List<Task>(500);
        long published = 0;
        for (; published < count && !stop.IsCancellationRequested; published++)
        {
            var i = published;
            var (routingKey, body) = fuzz.Next(TimeProvider.System.GetUtcNow());
            confirms.Add(channel.BasicPublishAsync(WireFormat.AgentExchange, routingKey, mandatory: false, properties, body).AsTask());
            if (confirms.Count == 500)
            {
                await Task.WhenAll(confirms);
                confirms.Clear();
            }

            if (i % 100_000 == 0 && i > 0)
            {
                Console.WriteLine($"{i:N0} published in {TimeProvider.System.GetElapsedTime(started).TotalSeconds:F0} s");
            }
        }

        await Task.WhenAll(confirms);

        if (published < count)
        {
            Console.WriteLine($"stopped early: {published:N0} of {count:N0} published");
        }

        var outcome = await FuzzCheck.DrainAsync(environment.QueueDepthAsync, app.Urls.First(), environment.UnacknowledgedAsync, 0, TimeSpan.FromMinutes(60));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{published:N0} fuzz messages in {TimeProvider.System.GetElapsedTime(started).TotalSeconds:F0} s: {outcome}"));
        return outcome.Healthy && outcome.Unacknowledged == 0 && outcome.Ready == 0 && outcome.ErrorQueued == outcome.Counted ? 0 : 1;
    }
}
