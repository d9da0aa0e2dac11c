using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FleetMonitor.Bench.Ingestion;
using FleetMonitor.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

// Usage: dotnet run -c Release --project bench/FleetMonitor.Bench.Ingestion -- [seconds=30] [latencyRate=5000] [agents=2000] [tick=8] [packed=50]
//        dotnet run -c Release --project bench/FleetMonitor.Bench.Ingestion -- sustained [seconds=600] [resultsPerMessage=50] [agents=2000]
//        dotnet run -c Release --project bench/FleetMonitor.Bench.Ingestion -- fuzz [messages=1000000] [seed=1] [publishMinutes=unlimited]
if (args is ["fuzz", ..])
{
    return await FuzzRun.RunAsync(
        args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1,
        args.Length > 3 ? TimeSpan.FromMinutes(double.Parse(args[3], CultureInfo.InvariantCulture)) : null);
}

var sustained = args is ["sustained", ..];
var numbers = sustained ? args[1..] : args;
int Arg(int index, int fallback) => numbers.Length > index ? int.Parse(numbers[index], CultureInfo.InvariantCulture) : fallback;
var seconds = Arg(0, sustained ? 600 : 30);
var latencyRate = sustained ? 0 : Arg(1, 5000);
var agents = sustained ? Arg(2, 2000) : Arg(2, 2000);
var tick = sustained ? Arg(1, 50) : Arg(3, 8);
var packed = sustained ? tick : Arg(4, 50);
var window = TimeSpan.FromSeconds(seconds);

await using var environment = new BenchEnvironment();
await environment.CreateAsync();
var factory = new ConnectionFactory { Uri = new Uri(environment.AmqpUri) };
var brokerPid = await BrokerPidAsync();
var messageSize = JsonSerializer.SerializeToUtf8Bytes(Result(0, 0, TimeProvider.System.GetUtcNow()), WireFormat.Options).Length;
Console.WriteLine($"{TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC, machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}; .NET {Environment.Version}; " +
    $"one result {messageSize} bytes; {agents} agents × 8 probes; load average {CpuSample.LoadAverage()}");

if (sustained)
{
    await using var service = await IngestionService.StartAsync(environment);
    Console.WriteLine($"sustained: {packed} results per message, max rate, {seconds} s");
    var run = await IngestionAsync(service, window, 0, packed, perMinute: true);
    Console.WriteLine();
    Console.WriteLine(Row($"ingestion, {packed} results per message, max rate, {seconds} s", run, double.NaN));
    Describe(run);
    Console.WriteLine($"load average at the end: {CpuSample.LoadAverage()}");
    return 0;
}

// 1. The raw broker baseline: plain RabbitMQ.Client, one result's size, persistent, confirms, one queue, one consumer.
var raw = await RawBaselineAsync(factory, window, messageSize);
Console.WriteLine($"raw broker: {raw.Stored:F0} msg/s; load average {CpuSample.LoadAverage()}");

// 2. Ingestion as a process of its own: simulated agents → RabbitMQ → Ingestion → PostgreSQL.
Outcome single, ticks, full, latency;
await using (var service = await IngestionService.StartAsync(environment))
{
    single = await IngestionAsync(service, window, 0, 1, perMinute: false);
    Console.WriteLine($"one per message: {single.Stored:F0} results/s; load average {CpuSample.LoadAverage()}");
    ticks = await IngestionAsync(service, window, 0, tick, perMinute: false);
    Console.WriteLine($"{tick} per message: {ticks.Stored:F0} results/s; load average {CpuSample.LoadAverage()}");
    full = await IngestionAsync(service, window, 0, packed, perMinute: false);
    Console.WriteLine($"{packed} per message: {full.Stored:F0} results/s; load average {CpuSample.LoadAverage()}");
    latency = await IngestionAsync(service, window, latencyRate, tick, perMinute: false);
}

Console.WriteLine();
Console.WriteLine("| path | published/s | stored/s (sustained) | ratio to raw | backlog at end | publish→commit p50 | p99 | Ingestion CPU | Ingestion RSS | agents' CPU | broker CPU | PostgreSQL CPU (all users) | machine busy |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
Console.WriteLine($"| raw RabbitMQ.Client, one message per result, max rate, {seconds} s | {raw.Published:F0} | {raw.Stored:F0} | 1.00 | {raw.Backlog} | — | — | — | — | {raw.Cpu.Agents:F2} | {raw.Cpu.Broker:F2} | — | {raw.Cpu.Machine:F2} |");
Console.WriteLine(Row($"ingestion, one result per message, max rate, {seconds} s", single, raw.Stored));
Console.WriteLine(Row($"ingestion, {tick} results per message (one agent's tick), max rate, {seconds} s", ticks, raw.Stored));
Console.WriteLine(Row($"ingestion, {packed} results per message, max rate, {seconds} s", full, raw.Stored));
Console.WriteLine(Row($"ingestion, {tick} results per message, {latencyRate} results/s, {seconds} s", latency, raw.Stored));
Console.WriteLine("(CPU in cores: 1.00 = one core busy the whole window; the machine has " + Environment.ProcessorCount + ")");
Describe(full);
Console.WriteLine($"at {latencyRate} results/s: Ingestion {latency.Cpu.Ingestion * 100 / (latency.Stored / 1000):F1} % of a core and RSS {latency.ResidentMiB:F0} MiB");
Console.WriteLine($"load average at the end: {CpuSample.LoadAverage()}");
return 0;

static string Row(string name, Outcome o, double rawRate) =>
    $"| {name} | {o.Published:F0} | {o.Stored:F0} | {o.Stored / rawRate:F2} | {o.Backlog} | {o.P50:F0} ms | {o.P99:F0} ms | {o.Cpu.Ingestion:F2} | {o.ResidentMiB:F0} MiB | {o.Cpu.Agents:F2} | {o.Cpu.Broker:F2} | {o.Cpu.Database:F2} | {o.Cpu.Machine:F2} |";

void Describe(Outcome o)
{
    Console.WriteLine($"per 1,000 results/s ({o.Stored:F0}/s): Ingestion {o.Cpu.Ingestion * 100 / (o.Stored / 1000):F1} % of a core, RSS {o.ResidentMiB / (o.Stored / 1000):F1} MiB " +
        $"(RSS {o.ResidentMiB:F0} MiB); broker {o.Cpu.Broker * 100 / (o.Stored / 1000):F1} %, PostgreSQL {o.Cpu.Database * 100 / (o.Stored / 1000):F1} %");
    var busy = o.Cpu.Machine / Environment.ProcessorCount;
    var others = Math.Max(0, o.Cpu.Machine - o.Cpu.Ingestion - o.Cpu.Agents - o.Cpu.Broker - o.Cpu.Database);
    Console.WriteLine(busy > 0.9
        ? $"limit: the CPU — the machine was {busy:P0} busy; Ingestion {o.Cpu.Ingestion:F2}, agents {o.Cpu.Agents:F2}, broker {o.Cpu.Broker:F2}, PostgreSQL {o.Cpu.Database:F2}, everything else {others:F2} cores"
        : $"limit: not the machine's CPU ({busy:P0} busy); Ingestion {o.Cpu.Ingestion:F2} cores (a single writer loop, the write slots or the broker's delivery may bound it)");
}

static async Task<int> BrokerPidAsync()
{
    using var process = Process.Start(new ProcessStartInfo("rabbitmqctl", ["-q", "eval", "os:getpid()."]) { RedirectStandardOutput = true })!;
    var output = await process.StandardOutput.ReadToEndAsync();
    await process.WaitForExitAsync();
    return int.Parse(output.Trim().Trim('"'), CultureInfo.InvariantCulture);
}

ProbeCompleted Result(long agent, int probe, DateTimeOffset startedAt) => new()
{
    SchemaVersion = 1,
    Id = Guid.CreateVersion7(startedAt),
    AgentId = $"bench-agent-{agent % agents}",
    SiteId = $"site-{agent % agents % 50}",
    ProbeId = $"probe-{probe % 8}",
    ProbeVersion = 1,
    Kind = "tcp",
    Target = "pbx.example.com:5061",
    StartedAt = startedAt,
    DurationMs = 21.7,
    Outcome = (agent + probe) % 97 == 0 ? ProbeOutcome.Failed : ProbeOutcome.Ok,
    Measurements = new Dictionary<string, double> { ["dns_ms"] = 3.1, ["connect_ms"] = 21.7, ["tls_handshake_ms"] = 22.9, ["tls_days_to_expiry"] = 212 },
    Facts = new Dictionary<string, string> { ["remote_address"] = "192.0.2.10:5061", ["tls_protocol"] = "Tls13", ["tls_cipher"] = "TLS_AES_256_GCM_SHA384" },
    Findings = (agent + probe) % 97 == 0 ? ["tcp.refused"] : [],
};

async Task<Outcome> RawBaselineAsync(ConnectionFactory connections, TimeSpan length, int size)
{
    var queue = $"bench-raw-{Guid.NewGuid():N}";
    await using var publishConnection = await connections.CreateConnectionAsync();
    await using var consumeConnection = await connections.CreateConnectionAsync();
    await using var publishChannel = await publishConnection.CreateChannelAsync(new CreateChannelOptions(true, true));
    await using var consumeChannel = await consumeConnection.CreateChannelAsync();
    await publishChannel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
    await consumeChannel.BasicQosAsync(0, 1000, false);

    long consumed = 0;
    var consumer = new AsyncEventingBasicConsumer(consumeChannel);
    consumer.ReceivedAsync += async (_, delivery) =>
    {
        Interlocked.Increment(ref consumed);
        await consumeChannel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
    };
    await consumeChannel.BasicConsumeAsync(queue, autoAck: false, consumer);

    var body = new byte[size];
    var publisher = new Publisher(publishChannel, "", _ => (queue, body));
    var cpu = CpuSample.Take(Environment.ProcessId, brokerPid);
    var started = Stopwatch.GetTimestamp();
    await publisher.RunAsync(length, 0, CancellationToken.None);
    var consumedInWindow = Interlocked.Read(ref consumed);
    var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
    var share = CpuSample.Between(cpu, CpuSample.Take(Environment.ProcessId, brokerPid));
    await WaitAsync(() => Task.FromResult(Interlocked.Read(ref consumed) >= publisher.Published), TimeSpan.FromMinutes(5));
    await publishChannel.QueueDeleteAsync(queue);

    // The raw consumer runs in this process: its CPU is the agents' column.
    return new Outcome(publisher.Published / elapsed, consumedInWindow / elapsed, publisher.Published - consumedInWindow, double.NaN, double.NaN, share with { Ingestion = 0 }, 0);
}

async Task<Outcome> IngestionAsync(IngestionService service, TimeSpan length, double resultsPerSecond, int resultsPerMessage, bool perMinute)
{
    await using var connection = await factory.CreateConnectionAsync();
    await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
    var before = await service.MetricsAsync();
    var storedBefore = Stored(before);
    long stored = 0;
    using var stop = new CancellationTokenSource();
    var poller = Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            Volatile.Write(ref stored, (long)(Stored(await service.MetricsAsync()) - storedBefore));
            await Task.Delay(100, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    });

    // Max rate is held to what Ingestion keeps up with: at most ~5 s of work waits at the broker, so the broker is
    // not busy paging a backlog that grows for ever. A fixed rate is published as it comes.
    var cap = resultsPerMessage == 1 ? 20_000 : 60_000;
    var round = resultsPerSecond > 0 ? Math.Max(1, (int)(resultsPerSecond / resultsPerMessage / 50)) : 250;
    Publisher publisher = null!;
    publisher = new Publisher(channel, WireFormat.AgentExchange, i => Message(i, resultsPerMessage))
    {
        Round = round,
        BeforeRound = resultsPerSecond > 0 ? null : async ct =>
        {
            while ((Published() - Volatile.Read(ref stored)) > cap)
            {
                await Task.Delay(10, ct);
            }
        },
    };
    long Published() => publisher.Published * resultsPerMessage;

    var minutes = perMinute ? Task.Run(async () =>
    {
        var last = 0L;
        for (var minute = 1; !stop.IsCancellationRequested; minute++)
        {
            await Task.Delay(TimeSpan.FromMinutes(1), stop.Token);
            var now = Volatile.Read(ref stored);
            Console.WriteLine($"minute {minute}: {(now - last) / 60.0:F0} results/s stored, load average {CpuSample.LoadAverage()}");
            last = now;
        }
    }).ContinueWith(_ => { }, TaskScheduler.Default) : Task.CompletedTask;

    var cpu = CpuSample.Take(service.ProcessId, brokerPid);
    var started = Stopwatch.GetTimestamp();
    await publisher.RunAsync(length, resultsPerSecond / resultsPerMessage, CancellationToken.None);
    var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
    var storedInWindow = Stored(await service.MetricsAsync()) - storedBefore;
    var share = CpuSample.Between(cpu, CpuSample.Take(service.ProcessId, brokerPid));
    var resident = CpuSample.ResidentMiB(service.ProcessId);
    var published = Published();
    await WaitAsync(async () => Stored(await service.MetricsAsync()) - storedBefore >= published, TimeSpan.FromMinutes(10));
    await stop.CancelAsync();
    await poller;
    await minutes;

    // Publish → commit: each result's startedAt is its publish moment here; Ingestion observes it at the commit.
    var after = await service.MetricsAsync();
    var (p50, p99) = AgePercentiles(before, after);
    return new Outcome(published / elapsed, storedInWindow / elapsed, (long)(published - storedInWindow), p50, p99, share, resident);
}

(string RoutingKey, ReadOnlyMemory<byte> Body) Message(long i, int resultsPerMessage)
{
    var now = TimeProvider.System.GetUtcNow();
    if (resultsPerMessage == 1)
    {
        return ("result.bench.tcp", JsonSerializer.SerializeToUtf8Bytes(Result(i % agents, (int)(i / agents), now), WireFormat.Options));
    }

    // One agent's waiting results in one message, as the agent's outbox relay packs them.
    var agent = i % agents;
    var results = new List<ProbeCompleted>(resultsPerMessage);
    for (var k = 0; k < resultsPerMessage; k++)
    {
        results.Add(Result(agent, k, now));
    }

    var site = $"site-{agent % 50}";
    return ($"{WireFormat.BatchRoutingPrefix}.{site}", JsonSerializer.SerializeToUtf8Bytes(
        new ProbeResultsBatched { SchemaVersion = 1, AgentId = $"bench-agent-{agent}", SiteId = site, Results = results }, WireFormat.Options));
}

static double Stored(Dictionary<string, double> metrics) => metrics.GetValueOrDefault("fleetmonitor_ingestion_results_stored_total");

// Percentiles of the result-age histogram between two scrapes, linear within a bucket.
static (double P50, double P99) AgePercentiles(Dictionary<string, double> before, Dictionary<string, double> after)
{
    const string Prefix = "fleetmonitor_ingestion_result_age_seconds_bucket{le=\"";
    var buckets = after.Keys.Where(k => k.StartsWith(Prefix, StringComparison.Ordinal))
        .Select(k => (Le: k[Prefix.Length..^2] is var le && le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture),
                      Count: after[k] - before.GetValueOrDefault(k)))
        .OrderBy(b => b.Le).ToList();
    var total = buckets.Count == 0 ? 0 : buckets[^1].Count;
    double At(double q)
    {
        var rank = q * total;
        var (lower, below) = (0.0, 0.0);
        foreach (var (le, count) in buckets)
        {
            if (count >= rank)
            {
                return double.IsInfinity(le) ? lower * 1000 : (lower + (le - lower) * (rank - below) / Math.Max(1, count - below)) * 1000;
            }

            (lower, below) = (le, count);
        }

        return double.NaN;
    }

    return total == 0 ? (double.NaN, double.NaN) : (At(0.5), At(0.99));
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

internal sealed record Outcome(double Published, double Stored, long Backlog, double P50, double P99, CpuShare Cpu, double ResidentMiB);
