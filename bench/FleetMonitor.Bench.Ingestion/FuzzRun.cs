using System.Globalization;
using FleetMonitor.Contracts;
using RabbitMQ.Client;

namespace FleetMonitor.Bench.Ingestion;

/// <summary>
/// Publishes random and mutated messages (<see cref="FuzzMessages"/>) to Ingestion's three queues through the real
/// broker, then one valid result, and checks: every queue drained, nothing unacknowledged, every message that was
/// not stored is in an error queue and counted, Ingestion still healthy and storing.
/// </summary>
internal static class FuzzRun
{
    public static async Task<int> RunAsync(long count, int seed)
    {
        await using var environment = new BenchEnvironment();
        await environment.CreateAsync();
        await using var app = await BenchIngestion.StartAsync(environment);
        var factory = new ConnectionFactory { Uri = new Uri(environment.AmqpUri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));

        var fuzz = new FuzzMessages(seed);
        var started = TimeProvider.System.GetTimestamp();
        var properties = new BasicProperties { Persistent = true, ContentType = "application/json" };
        var confirms = new List<Task>(500);
        for (long i = 0; i < count; i++)
        {
            var (routingKey, body) = fuzz.Next(TimeProvider.System.GetUtcNow());
            confirms.Add(channel.BasicPublishAsync(WireFormat.AgentExchange, routingKey, mandatory: false, properties, body).AsTask());
            if (confirms.Count == 500)
            {
                foreach (var confirm in confirms)
                {
                    await confirm;
                }

                confirms.Clear();
            }

            if (i % 100_000 == 0 && i > 0)
            {
                Console.WriteLine($"{i:N0} published in {TimeProvider.System.GetElapsedTime(started).TotalSeconds:F0} s");
            }
        }

        foreach (var confirm in confirms)
        {
            await confirm;
        }

        var outcome = await FuzzCheck.DrainAsync(environment.QueueDepthAsync, app.Urls.First(), environment.UnacknowledgedAsync, 0, TimeSpan.FromMinutes(60));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count:N0} fuzz messages in {TimeProvider.System.GetElapsedTime(started).TotalSeconds:F0} s: {outcome}"));
        return outcome.Healthy && outcome.Unacknowledged == 0 && outcome.Ready == 0 && outcome.ErrorQueued == outcome.Counted ? 0 : 1;
    }
}
