using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using FleetMonitor.Bench.Nat;
using FleetMonitor.Contracts;
using FleetMonitor.Probes;
using FleetMonitor.Probes.Nat;

// Usage: dotnet run -c Release --project bench/FleetMonitor.Bench.Nat -- loopback [runs=5]
//        sudo dotnet bin/Release/net10.0/FleetMonitor.Bench.Nat.dll netns [runs=3]   (root: network namespaces)
//        (client TARGET TIMEOUT_MS [NAME=VALUE]...: internal, what netns runs inside the client namespace)
var mode = args.Length > 0 ? args[0] : "loopback";
if (mode == "client")
    return await ClientAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args[3..]);

Console.WriteLine(Machine());
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : (mode == "netns" ? 3 : 5);
var rows = new List<string>();
switch (mode)
{
    case "loopback":
        await LoopbackAsync(runs, rows);
        break;
    case "netns":
        await NetnsAsync(runs, rows);
        break;
    default:
        Console.Error.WriteLine("usage: loopback [runs] | netns [runs]");
        return 2;
}

Console.WriteLine();
Console.WriteLine("| where | timeout | parameters | verdict | time to verdict ms (median, min-max) | transactions | packets sent / received | STUN RTT ms |");
Console.WriteLine("|---|---:|---|---|---:|---:|---:|---:|");
foreach (var row in rows)
    Console.WriteLine(row);
return 0;

// The Reflector on 127.0.0.1 and 127.0.0.2 (no NAT between), the probe in this process.
static async Task LoopbackAsync(int runs, List<string> rows)
{
    await using var reflector = await ReflectorProcess.StartAsync(null, "127.0.0.1", "127.0.0.2", 34780, 34781);
    var probe = new NatProbe();
    foreach (var (timeout, extra, times) in new[] { (60, "max_lifetime_s=0", runs), (60, "max_lifetime_s=10", 1) })
    {
        var samples = new List<Sample>();
        await RunAsync(probe, "127.0.0.1:34780", TimeSpan.FromSeconds(timeout), Parameters(extra)); // warm-up: JIT, first sockets
        for (var i = 0; i < times; i++)
            samples.Add(await RunAsync(probe, "127.0.0.1:34780", TimeSpan.FromSeconds(timeout), Parameters(extra)));
        rows.Add(Row("loopback (no NAT)", timeout, extra, samples));
    }
}

// Real Linux NATs in network namespaces; the probe runs in the client namespace (this program again, in client mode).
static async Task NetnsAsync(int runs, List<string> rows)
{
    (string Name, string[][] Rules)[] topologies =
    [
        ("MASQUERADE", [["-t", "nat", "-A", "POSTROUTING", "-o", "wan0", "-j", "MASQUERADE"]]),
        ("MASQUERADE --random-fully", [["-t", "nat", "-A", "POSTROUTING", "-o", "wan0", "-j", "MASQUERADE", "--random-fully"]]),
        ("full cone (DNAT)",
        [
            ["-t", "nat", "-A", "POSTROUTING", "-o", "wan0", "-j", "MASQUERADE"],
            ["-t", "nat", "-A", "PREROUTING", "-i", "wan0", "-p", "udp", "-j", "DNAT", "--to-destination", "10.0.0.2"],
        ]),
    ];
    foreach (var (name, rules) in topologies)
    {
        using var net = BenchTopology.Create(rules);
        await using var reflector = await ReflectorProcess.StartAsync(net.Internet, BenchTopology.Primary, BenchTopology.Alternate, 3478, 3479);
        // RFC 8489 timing to the end (a silent test waits 39.5 s), then the same bounded by a 6 s deadline.
        foreach (var (timeout, times) in new[] { (60, 1), (6, runs) })
        {
            var samples = new List<Sample>();
            for (var i = 0; i < times; i++)
                samples.Add(await InNamespaceAsync(net.Client, $"{BenchTopology.Primary}:3478", timeout, "max_lifetime_s=0"));
            rows.Add(Row(name, timeout, "max_lifetime_s=0", samples));
        }
    }
}

static async Task<Sample> InNamespaceAsync(string ns, string target, int timeoutSeconds, string extra)
{
    var json = Shell.Run("ip", ["netns", "exec", ns, Shell.Dotnet, Path.Combine(AppContext.BaseDirectory, "FleetMonitor.Bench.Nat.dll"),
        "client", target, (timeoutSeconds * 1000).ToString(CultureInfo.InvariantCulture),
        .. Parameters(extra).Select(p => $"{p.Key}={p.Value}")]);
    await Task.Yield();
    var lines = json.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    var elapsed = double.Parse(lines[0], CultureInfo.InvariantCulture);
    var observation = JsonSerializer.Deserialize<ProbeObservation>(lines[1], WireFormat.Options)!;
    return new Sample(elapsed, observation);
}

// The client side of netns: one warm-up run (JIT), then one measured run; prints the elapsed milliseconds and the observation.
static async Task<int> ClientAsync(string target, int timeoutMs, string[] parameters)
{
    var probe = new NatProbe();
    var values = parameters.Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
    var warm = new Dictionary<string, string>(values) { ["max_lifetime_s"] = "0" };
    await probe.RunAsync(new ProbeRequest { Target = target, Timeout = TimeSpan.FromSeconds(3), Parameters = warm }, CancellationToken.None);
    var sample = await RunAsync(probe, target, TimeSpan.FromMilliseconds(timeoutMs), values);
    Console.WriteLine(sample.ElapsedMs.ToString("0.0", CultureInfo.InvariantCulture));
    Console.WriteLine(JsonSerializer.Serialize(sample.Observation, WireFormat.Options));
    return 0;
}

static async Task<Sample> RunAsync(NatProbe probe, string target, TimeSpan timeout, IReadOnlyDictionary<string, string> parameters)
{
    var started = Stopwatch.GetTimestamp();
    var observation = await probe.RunAsync(new ProbeRequest { Target = target, Timeout = timeout, Parameters = parameters }, CancellationToken.None);
    return new Sample(Stopwatch.GetElapsedTime(started).TotalMilliseconds, observation);
}

static Dictionary<string, string> Parameters(string extra)
{
    var parameters = new Dictionary<string, string>
    {
        ["username"] = ReflectorProcess.Username,
        ["password"] = ReflectorProcess.Password,
    };
    foreach (var pair in extra.Split(' ', StringSplitOptions.RemoveEmptyEntries))
    {
        var parts = pair.Split('=', 2);
        parameters[parts[0]] = parts[1];
    }

    return parameters;
}

static string Row(string where, int timeoutSeconds, string extra, List<Sample> samples)
{
    var first = samples[0].Observation;
    var elapsed = samples.Select(s => s.ElapsedMs).Order().ToArray();
    var verdict = $"{first.Facts.GetValueOrDefault("nat_type")} ({first.Facts.GetValueOrDefault("nat_mapping")} / {first.Facts.GetValueOrDefault("nat_filtering")})";
    if (first.Measurements.TryGetValue("binding_lifetime_s", out var lifetime))
        verdict += $", lifetime ≥ {lifetime} s";
    if (samples.Select(s => s.Observation.Facts.GetValueOrDefault("nat_type")).Distinct().Count() > 1)
        verdict += " (runs disagree!)";
    var m = (string name) => string.Join("/", samples.Select(s => s.Observation.Measurements.GetValueOrDefault(name)).Distinct().Order());
    return string.Create(CultureInfo.InvariantCulture,
        $"| {where} | {timeoutSeconds} s | {extra} | {verdict} | {elapsed[elapsed.Length / 2]:0} ({elapsed[0]:0}-{elapsed[^1]:0}), n={samples.Count} | " +
        $"{m("transactions")} | {m("stun_packets_sent")} / {m("stun_packets_received")} | {samples.Select(s => s.Observation.Measurements.GetValueOrDefault("stun_rtt_ms")).Order().ElementAt(samples.Count / 2):0.###} |");
}

static string Machine()
{
    var cpu = File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
        : null;
    return $"machine: {cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}; "
        + $".NET {Environment.Version}; {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC";
}
