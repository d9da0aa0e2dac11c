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

// Usage: dotnet run -c Release --project bench/FleetMonitor.Bench.Alerting -- [seconds=180] [rate=5000] [agents=1000] [probes=5] [passingEpisodes=1]
// Every (agent, probe) pair sends one result per (agents × probes / rate) seconds. Each agent publishes its probes'
// results of a round in one ProbeResultsBatched message, as agents pack a schedule tick's results, with publisher
// confirms pipelined. The first passingEpisodes episodes (20 rounds each) all pass, so that the services have created
// every pair's window and warmed up before the first failure. From then on, one pair in 20 fails in the first four rounds of an
// episode and passes again afterwards: 1 % of all results fail. Under the default policy (3 failures of the last 5
// open a regression, 2 passes resolve it) the third failure opens an alert and the second pass resolves it; the latency
// is the publish of that result's message → the webhook receiver having the page.
var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 180;
var rate = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5000;
var agents = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000;
var probes = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 5;
var passingEpisodes = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 1;
if (args.Length > 5 || seconds < 1 || rate <= 0 || agents < 1 || probes < 1 || passingEpisodes < 1)
{
    Console.Error.WriteLine("usage: [seconds ≥ 1] [rate > 0] [agents ≥ 1] [probes ≥ 1] [passingEpisodes ≥ 1]");
    return 2;
}

const int EpisodeRounds = 20;
const int FailingRounds = 4;
const int OneIn = 20;
var pairs = agents * probes;

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}; .NET {Environment.Version}; {Load()}");
Console.WriteLine($"{rate:F0} results/s for {seconds} s; {agents} agents × {probes} probes, one result per pair every {pairs / rate:F2} s, each agent's {probes} results of a round in one message ({rate / probes:F0} messages/s); 1 pair in {OneIn} fails {FailingRounds} of every {EpisodeRounds} rounds from round {passingEpisodes * EpisodeRounds} on");
Console.WriteLine("correlation off (Alerting:GroupThreshold=0): every bench agent reaches the same PBX target, so with it on the regressions would be one grouped page, and every new alert would wait Alerting:GroupWait (10 s) for its group");

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
    if (episode < passingEpisodes || round % EpisodeRounds >= FailingRounds)
    {
        return false;
    }

    var mixed = (ulong)pair * 2654435761UL ^ (ulong)episode * 40503UL;
    return mixed % OneIn == 0;
}

// Message m is agent (m % agents)'s round (m / agents): one result of each of its probes.
(string, ReadOnlyMemory<byte>) Next(long m)
{
    var agent = (int)(m % agents);
    var round = m / agents;
    var now = TimeProvider.System.GetUtcNow();
    var results = new List<ProbeCompleted>(probes);
    for (var probe = 0; probe < probes; probe++)
    {
        var pair = (agent * probes) + probe;
        var failing = Failing(pair, round);
        results.Add(BenchResults.Tcp($"bench-agent-{agent}", $"site-{agent % 50}", $"probe-{probe}", now, failing));
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
    }

    var batch = new ProbeResultsBatched { SchemaVersion = ProbeResultsBatched.CurrentSchemaVersion, AgentId = $"bench-agent-{agent}", SiteId = $"site-{agent % 50}", Results = results };
    return ($"{WireFormat.BatchRoutingPrefix}.{batch.SiteId}", JsonSerializer.SerializeToUtf8Bytes(batch, WireFormat.Options));
}

var factory = new ConnectionFactory { Uri = new Uri(environment.AmqpUri) };
await using var connection = await factory.CreateConnectionAsync();
await using var channel = await connection.CreateChannelAsync(PipelinedPublisher.ChannelOptions);
var publisher = new PipelinedPublisher(channel, WireFormat.AgentExchange, Next);
var started = Stopwatch.GetTimestamp();
using var sampling = new CancellationTokenSource();

// Every agent beats every 30 s, as agents do (without beats the agent-offline job would page them all).
await using var heartbeatChannel = await connection.CreateChannelAsync(PipelinedPublisher.ChannelOptions);
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

        Console.WriteLine($"  {Stopwatch.GetElapsedTime(started).TotalSeconds,5:F0} s: published {publisher.Sent * probes} results, {await ProgressAsync()}, notifications {receiver.Notifications.Count}; {Load()}");
    }
});

await publisher.RunAsync(TimeSpan.FromSeconds(seconds), rate / probes, CancellationToken.None);
var window = Stopwatch.GetElapsedTime(started).TotalSeconds;
var published = publisher.Confirmed * probes;
var publishedRate = published / window;
var expectedFirings = firingsPublished.Values.Sum(q => q.Count);
var expectedResolves = resolvesPublished.Values.Sum(q => q.Count);
var evaluatedAtEnd = await EvaluatedResultsAsync();
Console.WriteLine($"published {published} results in {publisher.Confirmed} messages of {probes} in {window:F1} s ({publishedRate:F0} results/s of {rate:F0} asked), {Interlocked.Read(ref failed)} failed ({100.0 * Interlocked.Read(ref failed) / Math.Max(1, published):F2} %); "
    + $"publisher: {publisher.Failed} refused, confirm window ({PipelinedPublisher.MaxInFlight} messages) full {publisher.WindowFull} times, {publisher.BehindAtEnd} messages behind schedule at the end{(publisher.LastError is null ? "" : $", last error: {publisher.LastError}")}; {await ProgressAsync()}; {Load()}");

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
Console.WriteLine();
Console.WriteLine(firing.Length == 0
    ? $"RESULT: no page measured (no failure published: the failures start at round {passingEpisodes * EpisodeRounds}, {passingEpisodes * EpisodeRounds * pairs / rate:F0} s into the run at the asked rate; this run published {publisher.Confirmed / agents} rounds); at {publishedRate:F0} results/s; {Load()}"
    : $"RESULT: page p50 {Percentile(firing, 0.5):F0} ms, p99 {Percentile(firing, 0.99):F0} ms (goal p99 ≤ 1000 ms: {(Percentile(firing, 0.99) <= 1000 ? "met" : "NOT met")}); resolve p50 {Percentile(resolved, 0.5):F0} ms, p99 {Percentile(resolved, 0.99):F0} ms; at {publishedRate:F0} results/s; {Load()}");
// What held it back, in the order it would show.
var limits = new List<string>();
if (publishedRate < 0.95 * rate)
{
    limits.Add($"the publisher reached {publishedRate:F0} of {rate:F0} results/s (its confirm window was full {publisher.WindowFull} times: the broker confirmed slower than asked)");
}

var backlog = published - evaluatedAtEnd;
if (backlog > rate)
{
    limits.Add($"Alerting's evaluation: {backlog} results (more than a second's worth) were not evaluated yet when publishing stopped");
}

if (firing.Length > 0 && Percentile(firing, 0.99) > 1000)
{
    limits.Add("the time from publish to page: see the evaluation transactions above (mean results per transaction and time each) and the load average");
}

Console.WriteLine(limits.Count == 0 ? "LIMITS: none reached at this rate" : $"LIMITS: {string.Join("; ", limits)}");
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

async Task<double> EvaluatedResultsAsync()
{
    var metrics = (await metricsClient.GetStringAsync("/metrics")).Split('\n');
    return metrics.Where(l => l.StartsWith("fleetmonitor_alerting_observations_total{source=\"result\"", StringComparison.Ordinal))
        .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}

async Task<string> ProgressAsync()
{
    var metrics = (await metricsClient.GetStringAsync("/metrics")).Split('\n');
    double Sum(string prefix) => metrics.Where(l => l.StartsWith(prefix, StringComparison.Ordinal))
        .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    var batches = Sum("fleetmonitor_alerting_evaluation_batch_size_count");
    return $"ingestion stored {Sum("fleetmonitor_ingestion_batch_size_sum"):F0}, alerting evaluated {Sum("fleetmonitor_alerting_observations_total{source=\"result\""):F0} results and {Sum("fleetmonitor_alerting_observations_total{source=\"state_change\""):F0} state changes"
        + $" in {batches:F0} transactions (mean {Sum("fleetmonitor_alerting_evaluation_batch_size_sum") / Math.Max(1, batches):F1} per transaction, {Sum("fleetmonitor_alerting_evaluation_batch_seconds_sum") / Math.Max(1, batches) * 1000:F0} ms each)";
}

