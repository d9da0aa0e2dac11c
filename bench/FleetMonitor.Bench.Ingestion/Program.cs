using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dapper;
using FleetMonitor.Bench.Ingestion;
using FleetMonitor.Contracts;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

// Usage: dotnet run -c Release --project bench/FleetMonitor.Bench.Ingestion -- [seconds=60] [latencyRate=2000] [agents=2000]
//        dotnet run -c Release --project bench/FleetMonitor.Bench.Ingestion -- fuzz [messages=1000000] [seed=1]
if (args is ["fuzz", ..])
{
    return await FuzzRun.RunAsync(
        args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1);
}

var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 60;
var latencyRate = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 2000;
var agents = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2000;
var duration = TimeSpan.FromSeconds(seconds);
var latencyDuration = TimeSpan.FromSeconds(Math.Max(10, seconds / 3));

await using var environment = new BenchEnvironment();
await environment.CreateAsync();
var factory = new ConnectionFactory { Uri = new Uri(environment.AmqpUri) };

byte[] Body(long i, DateTimeOffset startedAt)
{
    var result = new ProbeCompleted
    {
        SchemaVersion = 1,
        Id = Guid.CreateVersion7(startedAt),
        AgentId = $"bench-agent-{i % agents}",
        SiteId = $"site-{i % agents % 50}",
        ProbeId = $"probe-{i / agents % 8}",
        ProbeVersion = 1,
        Kind = "tcp",
        Target = "pbx.example.com:5061",
        StartedAt = startedAt,
        DurationMs = 21.7,
        Outcome = i % 97 == 0 ? ProbeOutcome.Failed : ProbeOutcome.Ok,
        Measurements = new Dictionary<string, double> { ["dns_ms"] = 3.1, ["connect_ms"] = 21.7, ["tls_handshake_ms"] = 22.9, ["tls_days_to_expiry"] = 212 },
        Facts = new Dictionary<string, string> { ["remote_address"] = "192.0.2.10:5061", ["tls_protocol"] = "Tls13", ["tls_cipher"] = "TLS_AES_256_GCM_SHA384" },
        Findings = i % 97 == 0 ? ["tcp.refused"] : [],
    };
    return JsonSerializer.SerializeToUtf8Bytes(result, WireFormat.Options);
}

var messageSize = Body(0, TimeProvider.System.GetUtcNow()).Length;
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}; .NET {Environment.Version}; message {messageSize} bytes; {agents} agents × 8 probes");

// 1. The raw broker baseline: plain RabbitMQ.Client, same message size, persistent, confirms, one queue, one consumer.
var raw = await RawBaselineAsync(factory, duration, 0, messageSize);
var rawLatency = await RawBaselineAsync(factory, latencyDuration, latencyRate, messageSize);

// 2. Ingestion: simulated agents → RabbitMQ → Ingestion (in this process) → PostgreSQL.
await using var app = await BenchIngestion.StartAsync(environment);

var ingestion = await IngestionAsync(duration, 0, 1);
var ingestionLatency = await IngestionAsync(latencyDuration, latencyRate, 1);
var ingestionBatched = await IngestionAsync(duration, 0, 50);
using (var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) })
{
    var metrics = (await http.GetStringAsync("/metrics")).Split('\n');
    double Value(string name) => double.Parse(metrics.First(l => l.StartsWith(name + " ", StringComparison.Ordinal)).Split(' ')[1], CultureInfo.InvariantCulture);
    var batches = Value("fleetmonitor_ingestion_batch_seconds_count");
    Console.WriteLine($"ingestion batches: {batches:F0}, mean size {Value("fleetmonitor_ingestion_batch_size_sum") / batches:F0}, mean write {Value("fleetmonitor_ingestion_batch_seconds_sum") / batches * 1000:F1} ms");
}

await app.StopAsync();

Console.WriteLine();
Console.WriteLine("| path | published/s | consumed or stored/s (sustained) | backlog at end | latency p50 | latency p99 |");
Console.WriteLine("|---|---|---|---|---|---|");
Console.WriteLine($"| raw RabbitMQ.Client, max rate, {seconds} s | {raw.Published:F0} | {raw.Done:F0} | {raw.Backlog} | — | — |");
Console.WriteLine($"| raw RabbitMQ.Client, {latencyRate:F0}/s, {latencyDuration.TotalSeconds:F0} s | {rawLatency.Published:F0} | {rawLatency.Done:F0} | {rawLatency.Backlog} | {rawLatency.P50:F1} ms | {rawLatency.P99:F1} ms |");
Console.WriteLine($"| ingestion, max rate, {seconds} s | {ingestion.Published:F0} | {ingestion.Done:F0} | {ingestion.Backlog} | — | — |");
Console.WriteLine($"| ingestion, {latencyRate:F0}/s, {latencyDuration.TotalSeconds:F0} s | {ingestionLatency.Published:F0} | {ingestionLatency.Done:F0} | {ingestionLatency.Backlog} | {ingestionLatency.P50:F1} ms | {ingestionLatency.P99:F1} ms |");
Console.WriteLine($"| ingestion, 50 results per message, max rate, {seconds} s | {ingestionBatched.Published:F0} | {ingestionBatched.Done:F0} | {ingestionBatched.Backlog} | — | — |");
Console.WriteLine($"ratio ingestion / raw broker (sustained, max rate): {ingestion.Done / raw.Done:F2}; with 50 results per message: {ingestionBatched.Done / raw.Done:F2}");
return 0;

async Task<Outcome> RawBaselineAsync(ConnectionFactory connections, TimeSpan length, double rate, int size)
{
    var queue = $"bench-raw-{Guid.NewGuid():N}";
    await using var publishConnection = await connections.CreateConnectionAsync();
    await using var consumeConnection = await connections.CreateConnectionAsync();
    await using var publishChannel = await publishConnection.CreateChannelAsync(new CreateChannelOptions(true, true));
    await using var consumeChannel = await consumeConnection.CreateChannelAsync();
    await publishChannel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
    await consumeChannel.BasicQosAsync(0, 1000, false);

    long consumed = 0;
    var latencies = new List<double>();
    var consumer = new AsyncEventingBasicConsumer(consumeChannel);
    consumer.ReceivedAsync += async (_, delivery) =>
    {
        var sent = long.Parse(delivery.BasicProperties.MessageId!, CultureInfo.InvariantCulture);
        lock (latencies)
        {
            latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
        }

        Interlocked.Increment(ref consumed);
        await consumeChannel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
    };
    await consumeChannel.BasicConsumeAsync(queue, autoAck: false, consumer);

    var body = new byte[size];
    var publisher = new Publisher(publishChannel, "", _ => (queue, body));
    var started = Stopwatch.GetTimestamp();
    await publisher.RunAsync(length, rate, CancellationToken.None);
    var consumedInWindow = Interlocked.Read(ref consumed);
    var window = Stopwatch.GetElapsedTime(started).TotalSeconds;
    var backlog = publisher.Published - consumedInWindow;
    await WaitAsync(() => Task.FromResult(Interlocked.Read(ref consumed) >= publisher.Published), TimeSpan.FromMinutes(5));
    await publishChannel.QueueDeleteAsync(queue);
    double[] sorted;
    lock (latencies)
    {
        sorted = [.. latencies.Order()];
    }

    return new Outcome(publisher.Published / window, consumedInWindow / window, backlog, Percentile(sorted, 0.5), Percentile(sorted, 0.99));
}

async Task<Outcome> IngestionAsync(TimeSpan length, double rate, int resultsPerMessage)
{
    await using var connection = await factory.CreateConnectionAsync();
    await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
    await using var db = new NpgsqlConnection(environment.ConnectionString);
    await db.OpenAsync();
    var before = await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM probe_results");
    var firstId = Guid.CreateVersion7(TimeProvider.System.GetUtcNow());

    // Published and stored figures are in results (a batched message counts as its results).
    var publisher = new Publisher(channel, WireFormat.AgentExchange, i =>
    {
        if (resultsPerMessage == 1)
        {
            return ("result.bench.tcp", Body(i, TimeProvider.System.GetUtcNow()));
        }

        // One agent's waiting results in one message, as the agent's outbox relay packs them.
        var agent = $"bench-agent-{i % agents}";
        var results = Enumerable.Range(0, resultsPerMessage)
            .Select(k => JsonSerializer.Deserialize<ProbeCompleted>(Body(i * resultsPerMessage + k, TimeProvider.System.GetUtcNow()), WireFormat.Options)! with { AgentId = agent, SiteId = "site-batch" })
            .ToList();
        return ("results.site-batch", JsonSerializer.SerializeToUtf8Bytes(
            new ProbeResultsBatched { SchemaVersion = 1, AgentId = agent, SiteId = "site-batch", Results = results }, WireFormat.Options));
    });
    var started = Stopwatch.GetTimestamp();
    await publisher.RunAsync(length, rate, CancellationToken.None);
    var window = Stopwatch.GetElapsedTime(started).TotalSeconds;
    var storedInWindow = await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM probe_results") - before;
    var published = publisher.Published * resultsPerMessage;
    await WaitAsync(async () => await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM probe_results") - before >= published, TimeSpan.FromMinutes(10));

    // Publish → picked up for writing: the row's received_at (taken when its batch starts) minus the publish time.
    // The commit comes one batch write later: its mean is printed beside, from Ingestion's own histogram.
    var latency = await db.QuerySingleAsync<(double P50, double P99)>("""
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)
        FROM (SELECT EXTRACT(EPOCH FROM received_at - started_at) * 1000 AS ms FROM probe_results WHERE id >= @FirstId) t
        """, new { FirstId = firstId });
    return new Outcome(published / window, storedInWindow / window, published - storedInWindow, latency.P50, latency.P99);
}

static async Task WaitAsync(Func<Task<bool>> done, TimeSpan within)
{
    var deadline = Stopwatch.GetTimestamp();
    while (!await done())
    {
        if (Stopwatch.GetElapsedTime(deadline) > within)
        {
            throw new TimeoutException("the backlog did not drain");
        }

        await Task.Delay(200);
    }
}

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Length - 1, p * sorted.Length)];

internal sealed record Outcome(double Published, double Done, long Backlog, double P50, double P99);
