using System.Globalization;
using FleetMonitor.Contracts;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace FleetMonitor.Bench.Ingestion;

/// <summary>
/// Publishes random and mutated messages (<see cref="FuzzMessages"/>) to Ingestion's three queues through the real
/// broker, with a valid message of a control agent every <see cref="ControlEvery"/>th, and checks: every queue
/// drained, nothing unacknowledged, every message not processed is in an error queue and counted, every control
/// message stored, Ingestion's counters agree with the database, Ingestion still healthy.
/// </summary>
internal static class FuzzRun
{
    /// <summary>One message in this many is a valid one of a control agent, which must be stored.</summary>
    public const int ControlEvery = 100;

    private const int Channels = 4;
    private const int Window = 250;

    // Messages ready at the broker before publishing waits: the consumers, not the broker's disk, set the pace.
    private const long MaxReady = 20_000;

    public static async Task<int> RunAsync(long count, int seed, TimeSpan? publishFor = null)
    {
        await using var environment = new BenchEnvironment();
        await environment.CreateAsync();

        // Ingestion as it runs in production, in its own process. Every fuzz message is expected to fail: MassTransit's
        // log line (with a stack trace) per fault would cost more than the message itself, so it is off; the outcome is
        // checked on the error queues, Ingestion's counters and the database instead. The heartbeat readers get more
        // concurrency than their defaults (16 and 8): a third of the fuzz is heartbeats, read by both.
        await using var service = await IngestionService.StartAsync(environment, new Dictionary<string, string>
        {
            ["Logging__LogLevel__MassTransit"] = "None",
            ["Ingestion__HeartbeatConcurrency"] = "64",
        });
        var ingestionUrl = service.Address.ToString();
        var factory = new ConnectionFactory { Uri = new Uri(environment.AmqpUri) };
        await using var connection = await factory.CreateConnectionAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm:ss} UTC fuzz {count:N0} messages, seed {seed}; load average {CpuSample.LoadAverage()}"));

        // A time limit stops publishing early (a busy machine); the drain check then runs on what was published.
        using var stop = new CancellationTokenSource(publishFor ?? Timeout.InfiniteTimeSpan);
        using var done = new CancellationTokenSource();
        var started = TimeProvider.System.GetTimestamp();
        var errorQueues = new ErrorQueues(connection);
        var ready = 0L;
        var watch = Task.Run(async () =>
        {
            // Empties the error queues now and then (counting what each purge took), so that the broker does not keep
            // gigabytes of rejected messages, and reads the backlog for the publishers.
            var lastPurge = TimeProvider.System.GetTimestamp();
            while (!done.IsCancellationRequested)
            {
                Volatile.Write(ref ready, await ReadyAsync(connection));
                if (TimeProvider.System.GetElapsedTime(lastPurge) > TimeSpan.FromSeconds(15))
                {
                    await errorQueues.PurgeAsync();
                    lastPurge = TimeProvider.System.GetTimestamp();
                }

                await Task.Delay(500, done.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });

        var fuzz = new FuzzMessages(seed);
        var gate = new Lock();
        long next = 0, controls = 0, controlResults = 0, controlHeartbeats = 0, confirmed = 0;
        async Task PublishAsync()
        {
            await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
            var properties = new BasicProperties { Persistent = true, ContentType = "application/json" };
            var pending = new List<Task>(Window);
            while (true)
            {
                (string RoutingKey, byte[] Body) message;
                lock (gate)
                {
                    if (next >= count || stop.IsCancellationRequested)
                    {
                        break;
                    }

                    var now = TimeProvider.System.GetUtcNow();
                    if (next % ControlEvery == ControlEvery - 1)
                    {
                        var (routingKey, body, results) = FuzzMessages.Control(controls++, now);
                        controlResults += results;
                        controlHeartbeats += results == 0 ? 1 : 0;
                        message = (routingKey, body);
                    }
                    else
                    {
                        message = fuzz.Next(now);
                    }

                    next++;
                }

                pending.Add(channel.BasicPublishAsync(WireFormat.AgentExchange, message.RoutingKey, mandatory: false, properties, message.Body).AsTask());
                if (pending.Count == Window)
                {
                    await Task.WhenAll(pending);
                    Report(Interlocked.Add(ref confirmed, pending.Count) - pending.Count, pending.Count, started);
                    pending.Clear();
                    while (Volatile.Read(ref ready) > MaxReady && !stop.IsCancellationRequested)
                    {
                        await Task.Delay(200);
                    }
                }
            }

            await Task.WhenAll(pending);
            Interlocked.Add(ref confirmed, pending.Count);
        }

        await Task.WhenAll(Enumerable.Range(0, Channels).Select(_ => Task.Run(PublishAsync)));
        var published = next;
        var publishSeconds = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
        if (published < count)
        {
            Console.WriteLine($"stopped early: {published:N0} of {count:N0} published");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"published {published:N0} in {publishSeconds:F0} s ({published / publishSeconds:F0}/s); load average {CpuSample.LoadAverage()}; draining"));

        // No purge while the drain check reads the error queues: what is rejected from here on stays there.
        await done.CancelAsync();
        await watch;
        var purgedDuringRun = errorQueues.Total;
        var outcome = await FuzzCheck.DrainAsync(queue => DepthAsync(connection, queue), ingestionUrl, environment.UnacknowledgedAsync, 0, TimeSpan.FromMinutes(60));
        outcome = outcome with { ErrorQueued = outcome.ErrorQueued + purgedDuringRun };

        // What was left, into the per-queue totals (and off the broker's disk).
        await errorQueues.PurgeAsync();
        var seconds = TimeProvider.System.GetElapsedTime(started).TotalSeconds;

        // Every control message stored, and the counters agree with each other and with the database.
        var metrics = await service.MetricsAsync();
        double Sum(string name) => metrics.Where(m => m.Key == name || m.Key.StartsWith(name + "{", StringComparison.Ordinal)).Sum(m => m.Value);
        var received = Sum("fleetmonitor_ingestion_results_received_total");
        var stored = Sum("fleetmonitor_ingestion_results_stored_total");
        var duplicates = Sum("fleetmonitor_ingestion_results_duplicate_total");
        var database = await DatabaseCountsAsync(environment.ConnectionString);

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{published:N0} messages ({controls:N0} control) in {seconds:F0} s ({published / seconds:F0}/s end to end); load average {CpuSample.LoadAverage()}"));
        Console.WriteLine($"outcome: {outcome}");
        Console.WriteLine("error queues: " + string.Join(", ", errorQueues.PerQueue.Select(q => $"{q.Key} {q.Value:N0}")));
        Console.WriteLine("rejected by reason: " + string.Join(", ", metrics.Where(m => m.Key.StartsWith("fleetmonitor_ingestion_messages_rejected_total{", StringComparison.Ordinal))
            .Select(m => $"{m.Key["fleetmonitor_ingestion_messages_rejected_total".Length..]} {m.Value:N0}")));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"results: received {received:N0}, stored {stored:N0}, duplicates {duplicates:N0}, rows {database.Rows:N0}; heartbeats recorded {Sum("fleetmonitor_ingestion_heartbeats_total"):N0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"control: results {database.ControlResults:N0} of {controlResults:N0} stored, heartbeats {database.ControlHeartbeats:N0} of {controlHeartbeats:N0} recorded, schedule status {database.ControlStatus:N0} of {controlHeartbeats:N0}"));

        var failures = new List<string>();
        Check(outcome.Healthy, "Ingestion is not healthy");
        Check(outcome.Ready == 0 && outcome.Unacknowledged == 0, "messages still ready or unacknowledged: a stall");
        Check(outcome.ErrorQueued == outcome.Counted, "error-queued and counted differ");
        Check(database.ControlResults == controlResults, "a control result is missing");
        Check(database.ControlHeartbeats == controlHeartbeats && database.ControlStatus == controlHeartbeats, "a control heartbeat is missing");
        Check(received == stored + duplicates, "results received is not stored + duplicates");
        Check(stored == database.Rows, "results stored is not the rows in the database");
        Check(confirmed == published, "not every published message was confirmed");
        Check(errorQueues.Total == outcome.ErrorQueued, "the error queues' purge counts and depths differ");
        Console.WriteLine(failures.Count == 0 ? "PASS" : "FAIL: " + string.Join("; ", failures));
        return failures.Count == 0 ? 0 : 1;

        void Check(bool ok, string failure)
        {
            if (!ok)
            {
                failures.Add(failure);
            }
        }
    }

    private static void Report(long before, int added, long started)
    {
        // A line per 100,000 messages confirmed.
        if ((before + added) / 100_000 > before / 100_000)
        {
            var seconds = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(before + added) / 100_000 * 100_000:N0} published in {seconds:F0} s; load average {CpuSample.LoadAverage()}"));
        }
    }

    /// <summary>Messages ready in Ingestion's queues.</summary>
    private static async Task<long> ReadyAsync(IConnection connection)
    {
        long ready = 0;
        foreach (var queue in FuzzCheck.Queues)
        {
            ready += await DepthAsync(connection, queue);
        }

        return ready;
    }

    /// <summary>Messages ready in a queue, 0 when it does not exist: a passive declare (rabbitmqctl would start an Erlang VM a call).</summary>
    private static async Task<long> DepthAsync(IConnection connection, string queue)
    {
        // A channel per call: a missing queue closes the channel it was asked on.
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return 0;
        }
    }

    private static async Task<(long Rows, long ControlResults, long ControlHeartbeats, long ControlStatus)> DatabaseCountsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT (SELECT count(*) FROM probe_results),
                   (SELECT count(*) FROM probe_results WHERE agent_id LIKE 'control-%'),
                   (SELECT count(*) FROM agents WHERE id LIKE 'control-%' AND last_heartbeat_at IS NOT NULL),
                   (SELECT count(*) FROM agent_schedule_status WHERE agent_id LIKE 'control-%')
            """,
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }
}
