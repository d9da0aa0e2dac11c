using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FleetMonitor.Bench;
using FleetMonitor.Bench.Alerting;
using static FleetMonitor.Bench.BenchResults;
using FleetMonitor.Bench.Ingestion;
using FleetMonitor.Contracts;
using RabbitMQ.Client;

// Usage: dotnet run -c Release --project bench/FleetMonitor.Bench.Alerting -- [seconds=180] [rate=5000] [agents=1000] [probes=5]
// Every (agent, probe) pair sends one result per (agents × probes / rate) seconds. From the second episode (20 rounds) on,
// one pair in 20 fails in the first four rounds of an episode and passes again afterwards: 1 % of all results fail.
// Under the default policy (3 failures of the last 5 open a regression, 2 passes resolve it) the third failure opens an
// alert and the second pass resolves it; the latency is that result's publish → the webhook receiver having the page.
var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 180;
var rate = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5000;
var agents = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000;
var probes = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 5;
const int EpisodeRounds = 20;
const int FailingRounds = 4;
const int OneIn = 20;
var pairs = agents * probes;

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}; .NET {Environment.Version}; {Load()}");
Console.WriteLine($"{rate:F0} results/s for {seconds} s; {agents} agents × {probes} probes, one result per pair every {pairs / rate:F2} s; 1 pair in {OneIn} fails {FailingRounds} of every {EpisodeRounds} rounds from round {EpisodeRounds} on");

const string Secret = "bench-webhook-secret";
await using var environment = new BenchEnvironment();
await environment.CreateAsync();
await using var receiver = await WebhookReceiver.StartAsync(Secret);
await using var ingestion = await BenchIngestion.StartAsync(environment);
await using var alerting = await BenchAlerting.StartAsync(environment, receiver.Address, Secret);
using var metricsClient = new HttpClient { BaseAddress = new Uri(alerting.Urls.First()) };

var firingsPublished = new ConcurrentDictionary<int, ConcurrentQueue<long>>();
var resolvesPublished = new ConcurrentDictionary<int, ConcurrentQueue<long>>();
long failed = 0;

bool Failing(int pair, long round)
{
    var episode = round / EpisodeRounds;
    if (episode == 0 || round % EpisodeRounds >= FailingRounds)
    {
        return false;
    }

    var mixed = (ulong)pair * 2654435761UL ^ (ulong)episode * 40503UL;
    return mixed % OneIn == 0;
}

(string, ReadOnlyMemory<byte>) Next(long i)
{
    var pair = (int)(i % pairs);
    var round = i / pairs;
    var failing = Failing(pair, round);
    var now = TimeProvider.System.GetUtcNow();
    var result = BenchResults.Tcp($"bench-agent-{pair / probes}", $"site-{pair / probes % 50}", $"probe-{pair % probes}", now, failing);
    if (failing)
    {
        Interlocked.Increment(ref failed);
    }

    var inEpisode = round % EpisodeRounds;
    if (failing && inEpisode == 2)
    {
        firingsPublished.GetOrAdd(pair, _ => new()).Enqueue(Stopwatch.GetTimestamp());
    }
    else if (inEpisode == FailingRounds + 1 && Failing(pair, round - 2))
    {
        resolvesPublished.GetOrAdd(pair, _ => new()).Enqueue(Stopwatch.GetTimestamp());
    }

    return ("result.bench.tcp", JsonSerializer.SerializeToUtf8Bytes(result, WireFormat.Options));
}

var factory = new ConnectionFactory { Uri = new Uri(environment.AmqpUri) };
await using var connection = await factory.CreateConnectionAsync();
await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
var publisher = new Publisher(channel, WireFormat.AgentExchange, Next);
var started = Stopwatch.GetTimestamp();
using var sampling = new CancellationTokenSource();

// Every agent beats every 30 s, as agents do (without beats the agent-offline job would page them all).
await using var heartbeatChannel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
var heartbeats = Task.Run(async () =>
{
    while (!sampling.IsCancellationRequested)
    {
        var beats = new List<Task>(agents);
        for (var a = 0; a < agents; a++)
        {
            var beat = new AgentHeartbeatSent
            {
                SchemaVersion = AgentHeartbeatSent.CurrentSchemaVersion, AgentId = $"bench-agent-{a}", SiteId = $"site-{a % 50}",
                SentAt = TimeProvider.System.GetUtcNow(), AgentVersion = "bench", Hostname = $"bench-agent-{a}.example.net",
            };
            beats.Add(heartbeatChannel.BasicPublishAsync(WireFormat.AgentExchange, $"{WireFormat.HeartbeatRoutingPrefix}.{beat.SiteId}", mandatory: false,
                new BasicProperties { Persistent = true, ContentType = "application/json" }, JsonSerializer.SerializeToUtf8Bytes(beat, WireFormat.Options)).AsTask());
        }

        await Task.WhenAll(beats);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(30), sampling.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }
});
var sampler = Task.Run(async () =>
{
    while (!sampling.IsCancellationRequested)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(15), sampling.Token);
        }
        catch (OperationCanceledException)
        {
        }

        Console.WriteLine($"  {Stopwatch.GetElapsedTime(started).TotalSeconds,5:F0} s: published {publisher.Published}, {await ProgressAsync()}, notifications {receiver.Notifications.Count}; {Load()}");
    }
});

await publisher.RunAsync(TimeSpan.FromSeconds(seconds), rate, CancellationToken.None);
var window = Stopwatch.GetElapsedTime(started).TotalSeconds;
var expectedFirings = firingsPublished.Values.Sum(q => q.Count);
var expectedResolves = resolvesPublished.Values.Sum(q => q.Count);
Console.WriteLine($"published {publisher.Published} in {window:F1} s ({publisher.Published / window:F0}/s), {Interlocked.Read(ref failed)} failed ({100.0 * Interlocked.Read(ref failed) / publisher.Published:F2} %); {await ProgressAsync()}; {Load()}");

// Drain: every alert that the published results open and resolve reaches the receiver, or nothing more arrives for
// 60 s (a pair that fails in two episodes close together can be judged flapping: one flapping alert, no regression page).
var drainStarted = Stopwatch.GetTimestamp();
var lastCount = -1;
var lastChange = Stopwatch.GetTimestamp();
while (Count("firing") < expectedFirings || Count("resolved") < expectedResolves)
{
    if (receiver.Notifications.Count != lastCount)
    {
        lastCount = receiver.Notifications.Count;
        lastChange = Stopwatch.GetTimestamp();
    }

    if (Stopwatch.GetElapsedTime(lastChange) > TimeSpan.FromSeconds(60) || Stopwatch.GetElapsedTime(drainStarted) > TimeSpan.FromMinutes(5))
    {
        Console.WriteLine("not every expected notification arrived; nothing more came for 60 s");
        break;
    }

    await Task.Delay(500);
}

await sampling.CancelAsync();
await sampler;
await heartbeats;
Console.WriteLine($"drained {Stopwatch.GetElapsedTime(drainStarted).TotalSeconds:F1} s after the last publish; {await ProgressAsync()}; {Load()}");

// Per pair, a page answers the latest third failure published before it arrived (a resolve the latest second pass).
var firing = Match("firing", firingsPublished, out var extraFirings);
var resolved = Match("resolved", resolvesPublished, out var extraResolves);
Console.WriteLine($"bad signatures: {Interlocked.Read(ref receiver.BadSignatures)}; notifications by alert name: {string.Join(", ", receiver.Notifications.GroupBy(n => $"{n.Alertname}/{n.Action}").Select(g => $"{g.Key} {g.Count()}"))}");
Console.WriteLine();
Console.WriteLine("| notification | expected | received | unmatched | p50 | p90 | p99 | max |");
Console.WriteLine("|---|---|---|---|---|---|---|---|");
Row("firing (third failure published → page received)", expectedFirings, firing, extraFirings);
Row("resolved (second pass published → resolve received)", expectedResolves, resolved, extraResolves);
await ingestion.StopAsync();
await alerting.StopAsync();
return 0;

int Count(string action) => receiver.Notifications.Count(n => n.Action == action && n.Alertname == "FleetMonitorRegression");

double[] Match(string action, ConcurrentDictionary<int, ConcurrentQueue<long>> published, out int unmatched)
{
    var latencies = new List<double>();
    unmatched = 0;
    foreach (var notification in receiver.Notifications.Where(n => n.Action == action && n.Alertname == "FleetMonitorRegression"))
    {
        var pair = int.Parse(notification.Agent["bench-agent-".Length..], CultureInfo.InvariantCulture) * probes
            + int.Parse(notification.Probe["probe-".Length..], CultureInfo.InvariantCulture);
        var before = published.TryGetValue(pair, out var queue) ? queue.Where(at => at <= notification.At).ToList() : [];
        if (before.Count > 0)
        {
            latencies.Add(Stopwatch.GetElapsedTime(before.Max(), notification.At).TotalMilliseconds);
        }
        else
        {
            unmatched++;
        }
    }

    return [.. latencies.Order()];
}

void Row(string name, int expected, double[] sorted, int unmatched) =>
    Console.WriteLine($"| {name} | {expected} | {sorted.Length} | {unmatched} | {Percentile(sorted, 0.5):F0} ms | {Percentile(sorted, 0.9):F0} ms | {Percentile(sorted, 0.99):F0} ms | {(sorted.Length == 0 ? double.NaN : sorted[^1]):F0} ms |");

async Task<string> ProgressAsync()
{
    var metrics = (await metricsClient.GetStringAsync("/metrics")).Split('\n');
    double Sum(string prefix) => metrics.Where(l => l.StartsWith(prefix, StringComparison.Ordinal))
        .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    var batches = Sum("fleetmonitor_alerting_evaluation_batch_size_count");
    return $"ingestion stored {Sum("fleetmonitor_ingestion_batch_size_sum"):F0}, alerting evaluated {Sum("fleetmonitor_alerting_observations_total{source=\"result\""):F0} results and {Sum("fleetmonitor_alerting_observations_total{source=\"state_change\""):F0} state changes"
        + $" in {batches:F0} transactions (mean {Sum("fleetmonitor_alerting_evaluation_batch_size_sum") / Math.Max(1, batches):F1} per transaction, {Sum("fleetmonitor_alerting_evaluation_batch_seconds_sum") / Math.Max(1, batches) * 1000:F0} ms each)";
}

