using System.Diagnostics;
using System.Globalization;
using FleetMonitor.Bench.Probes;
using FleetMonitor.Contracts;
using FleetMonitor.Probes;

// Usage: dotnet run -c Release --project bench/FleetMonitor.Bench.Probes -- [runs=200]
// (the program starts itself again in "peers" mode for the peers).
if (args is ["peers"])
{
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    try
    {
        await Peers.RunAsync(stop.Token);
    }
    catch (OperationCanceledException)
    {
    }

    return 0;
}

var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
var self = Environment.ProcessPath!;
var peerStart = new ProcessStartInfo(self) { RedirectStandardOutput = true };
if (Path.GetFileNameWithoutExtension(self) == "dotnet")
{
    peerStart.ArgumentList.Add(typeof(Peers).Assembly.Location);
}

peerStart.ArgumentList.Add("peers");
using var peers = Process.Start(peerStart)!;
var ports = (await peers.StandardOutput.ReadLineAsync())!.Split(' ').Skip(1)
    .Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
try
{
    var catalog = ProbeCatalog.CreateDefault();
    var cases = new (string Kind, string Target, Dictionary<string, string> Parameters)[]
    {
        ("tcp", $"127.0.0.1:{ports["tcp"]}", []),
        ("http", $"http://127.0.0.1:{ports["http"]}/phone.cfg", []),
        ("dns", "pbx.bench.test", new() { ["resolver"] = $"127.0.0.1:{ports["dns"]}" }),
        ("sip", $"127.0.0.1:{ports["sip"]}", new() { ["transport"] = "udp" }),
        ("media", $"127.0.0.1:{ports["media"]}", new() { ["count"] = "50", ["interval_ms"] = "1" }),
    };

    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}; .NET {Environment.Version}; {runs} runs per kind after 10 to warm up");
    Console.WriteLine();
    Console.WriteLine("| kind | target | outcome | CPU per run | allocated per run | wall per run |");
    Console.WriteLine("|---|---|---|---|---|---|");
    foreach (var (kind, target, parameters) in cases)
    {
        catalog.TryGet(kind, out var probe);
        var request = new ProbeRequest { Target = target, Parameters = parameters, Timeout = TimeSpan.FromSeconds(5) };
        ProbeObservation last = null!;
        for (var i = 0; i < 10; i++)
        {
            last = await probe!.RunAsync(request, CancellationToken.None);
        }

        GC.Collect();
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var wall = Stopwatch.GetTimestamp();
        for (var i = 0; i < runs; i++)
        {
            last = await probe!.RunAsync(request, CancellationToken.None);
        }

        var wallPerRun = Stopwatch.GetElapsedTime(wall).TotalMilliseconds / runs;
        process.Refresh();
        var cpuPerRun = (process.TotalProcessorTime - cpu).TotalMilliseconds / runs;
        var bytesPerRun = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)runs;
        var note = kind == "media" ? " (50 packets)" : "";
        Console.WriteLine($"| {kind}{note} | loopback | {last.Outcome.ToString().ToLowerInvariant()} | {cpuPerRun:F2} ms | {bytesPerRun / 1024:F1} KiB | {wallPerRun:F2} ms |");
        if (last.Outcome != ProbeOutcome.Ok)
        {
            Console.WriteLine($"  ({kind} did not come out ok: {last.Error} {string.Join(',', last.Findings)})");
        }
    }
}
finally
{
    peers.Kill(entireProcessTree: true);  // dnsmasq included
    await peers.WaitForExitAsync();
}

return 0;
