using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using FleetMonitor.Probes.Tests.Stun;
using FleetMonitor.Protocols.Stun;

// Usage: dotnet run -c Release --project bench/FleetMonitor.Bench.Stun -- fuzz [inputs=10000000] [seed=1] [threads=cores]
//        dotnet run -c Release --project bench/FleetMonitor.Bench.Stun -- parse [iterations=1000000]
var mode = args.Length > 0 ? args[0] : "parse";
Console.WriteLine(Machine());
return mode switch
{
    "fuzz" => Fuzz(
        args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 10_000_000,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1,
        args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : Environment.ProcessorCount),
    "parse" => ParseCost(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: fuzz [inputs] [seed] [threads] | parse [iterations]");
    return 2;
}

// Every input goes through Parse and ParseAuthenticated (the fuzz key); an exception anywhere is a failure.
static int Fuzz(long inputs, int seed, int threads)
{
    var outcomes = new long[Enum.GetValues<StunParseError>().Length];
    var keyedOutcomes = new long[outcomes.Length];
    var byMutation = new long[Enum.GetValues<StunMutation>().Length, 2];
    long maxAllocated = 0;
    long maxOverBound = long.MinValue;
    var failures = new List<string>();
    var gate = new Lock();

    var started = Stopwatch.GetTimestamp();
    Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, worker =>
    {
        var count = inputs / threads + (worker < inputs % threads ? 1 : 0);
        var fuzzer = new StunFuzzer(seed * 7919 + worker);
        var local = new long[outcomes.Length];
        var localKeyedOutcomes = new long[outcomes.Length];
        var localByMutation = new long[byMutation.GetLength(0), 2];
        long localMaxAllocated = 0;
        var localMaxOverBound = long.MinValue;
        foreach (var warm in fuzzer.Seeds)
            _ = StunMessageParser.ParseAuthenticated(warm, StunFuzzer.Key);

        for (long i = 0; i < count; i++)
        {
            var input = fuzzer.Next();
            var before = GC.GetAllocatedBytesForCurrentThread();
            StunParseResult plain;
            StunParseResult keyed;
            try
            {
                plain = StunMessageParser.Parse(input);
                keyed = StunMessageParser.ParseAuthenticated(input, StunFuzzer.Key);
            }
            catch (Exception e)
            {
                lock (gate)
                    failures.Add($"worker {worker} input {i} ({fuzzer.Mutation}): {e.GetType().Name}: {e.Message}\n  {Convert.ToHexString(input)}");
                continue;
            }

            var allocated = (GC.GetAllocatedBytesForCurrentThread() - before) / 2;
            localMaxAllocated = Math.Max(localMaxAllocated, allocated);
            localMaxOverBound = Math.Max(localMaxOverBound, allocated - (3L * input.Length + 200L * StunMessageParser.MaxAttributes + 1024));
            local[(int)plain.Error]++;
            localKeyedOutcomes[(int)keyed.Error]++;
            localByMutation[(int)fuzzer.Mutation, plain.IsSuccess ? 1 : 0]++;
            if (plain.IsSuccess != (keyed.IsSuccess || keyed.Error is StunParseError.IntegrityMissing or StunParseError.IntegrityMismatch)
                || (!plain.IsSuccess && plain.Error != keyed.Error))
            {
                lock (gate)
                    failures.Add($"worker {worker} input {i} ({fuzzer.Mutation}): plain {plain.Error} but keyed {keyed.Error}\n  {Convert.ToHexString(input)}");
            }
        }

        lock (gate)
        {
            for (var e = 0; e < local.Length; e++)
            {
                outcomes[e] += local[e];
                keyedOutcomes[e] += localKeyedOutcomes[e];
            }
            for (var m = 0; m < localByMutation.GetLength(0); m++)
            {
                byMutation[m, 0] += localByMutation[m, 0];
                byMutation[m, 1] += localByMutation[m, 1];
            }

            maxAllocated = Math.Max(maxAllocated, localMaxAllocated);
            maxOverBound = Math.Max(maxOverBound, localMaxOverBound);
        }
    });
    var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

    Console.WriteLine($"fuzz: {inputs:N0} inputs (each parsed plain and authenticated), seed {seed}, {threads} threads");
    Console.WriteLine($"time {seconds:F1} s: {inputs / seconds:N0} inputs/s ({2 * inputs / seconds:N0} parses/s)");
    Console.WriteLine($"exceptions and inconsistencies: {failures.Count}");
    Console.WriteLine($"most bytes allocated by one parse: {maxAllocated:N0} (bound 3 x input + 7,424: never exceeded = {maxOverBound <= 0})");
    Console.WriteLine();
    Console.WriteLine("| outcome | Parse | share | ParseAuthenticated | share |");
    Console.WriteLine("|---|---:|---:|---:|---:|");
    foreach (var error in Enum.GetValues<StunParseError>())
    {
        var (plainCount, keyedCount) = (outcomes[(int)error], keyedOutcomes[(int)error]);
        Console.WriteLine($"| {(error == StunParseError.None ? "parsed" : error.ToString())} | {plainCount:N0} | {100.0 * plainCount / inputs:F2} % | {keyedCount:N0} | {100.0 * keyedCount / inputs:F2} % |");
    }
    Console.WriteLine();
    Console.WriteLine("| mutation | inputs | parsed |");
    Console.WriteLine("|---|---:|---:|");
    foreach (var mutation in Enum.GetValues<StunMutation>())
    {
        var total = byMutation[(int)mutation, 0] + byMutation[(int)mutation, 1];
        Console.WriteLine($"| {mutation} | {total:N0} | {byMutation[(int)mutation, 1]:N0} |");
    }

    foreach (var failure in failures.Take(20))
        Console.WriteLine(failure);
    return failures.Count == 0 ? 0 : 1;
}

// Nanoseconds and bytes per call on this thread: Stopwatch over the whole loop, GC.GetAllocatedBytesForCurrentThread.
static int ParseCost(int iterations)
{
    var shortTermKey = StunShortTermKey.FromPassword(Rfc5769Vectors.Password);
    var longTermKey = LongTermKey();
    Console.WriteLine($"parse: {iterations:N0} iterations each, after {iterations / 10:N0} to warm up");
    Console.WriteLine();
    Console.WriteLine("| RFC 5769 sample | bytes | Parse ns | Parse B | ParseAuthenticated ns | ParseAuthenticated B |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|");
    foreach (var (name, bytes) in Rfc5769Vectors.All)
    {
        var key = name.StartsWith("2.4", StringComparison.Ordinal) ? longTermKey : shortTermKey;
        if (!StunMessageParser.ParseAuthenticated(bytes, key).IsSuccess)
        {
            Console.Error.WriteLine($"{name} does not parse");
            return 1;
        }

        var (plainNs, plainBytes) = Measure(iterations, () => StunMessageParser.Parse(bytes).IsSuccess);
        var (keyedNs, keyedBytes) = Measure(iterations, () => StunMessageParser.ParseAuthenticated(bytes, key).IsSuccess);
        Console.WriteLine($"| {name} | {bytes.Length} | {plainNs:F0} | {plainBytes:F0} | {keyedNs:F0} | {keyedBytes:F0} |");
    }

    var garbage = Rfc5769Vectors.SampleRequest.ToArray();
    garbage[4] ^= 0xFF;
    var (refusedNs, refusedBytes) = Measure(iterations, () => StunMessageParser.Parse(garbage).IsSuccess);
    var corrupted = Rfc5769Vectors.SampleRequest.ToArray();
    corrupted[30] ^= 0x01;
    var (mismatchNs, mismatchBytes) = Measure(iterations, () => StunMessageParser.Parse(corrupted).IsSuccess);
    var id = new StunTransactionId(Rfc5769Vectors.TransactionId);
    var (writeNs, writeBytes) = Measure(iterations, () => new StunMessageWriter(StunMessageType.BindingRequest, id)
        .AddSoftware("STUN test client")
        .AddAttribute(0x0024, [0x6e, 0x00, 0x01, 0xff])
        .AddAttribute(0x8029, [0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36])
        .AddUsername(Rfc5769Vectors.Username)
        .AddMessageIntegrity(shortTermKey)
        .AddFingerprint()
        .Length > 0);
    Console.WriteLine();
    Console.WriteLine("| other | ns | B |");
    Console.WriteLine("|---|---:|---:|");
    Console.WriteLine($"| refused at the cookie (2.1 with a bad cookie) | {refusedNs:F0} | {refusedBytes:F0} |");
    Console.WriteLine($"| refused at FINGERPRINT (2.1 with one bit flipped) | {mismatchNs:F0} | {mismatchBytes:F0} |");
    Console.WriteLine($"| write 2.1 again (writer, HMAC, CRC, ToArray not called) | {writeNs:F0} | {writeBytes:F0} |");
    return 0;
}

static (double Ns, double Bytes) Measure(int iterations, Func<bool> action)
{
    var sink = 0;
    for (var i = 0; i < iterations / 10; i++)
        sink += action() ? 1 : 0;
    var before = GC.GetAllocatedBytesForCurrentThread();
    var started = Stopwatch.GetTimestamp();
    for (var i = 0; i < iterations; i++)
        sink += action() ? 1 : 0;
    var elapsed = Stopwatch.GetElapsedTime(started);
    var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
    GC.KeepAlive(sink);
    return (elapsed.TotalNanoseconds / iterations, (double)allocated / iterations);
}

// RFC 8489 §9.2.2's long-term key, for sample 2.4 only. MD5 is what the RFC specifies.
#pragma warning disable CA5351
static byte[] LongTermKey() =>
    MD5.HashData(Encoding.UTF8.GetBytes($"{Rfc5769Vectors.LongTermUsername}:{Rfc5769Vectors.LongTermRealm}:{Rfc5769Vectors.LongTermPasswordPrepared}"));
#pragma warning restore CA5351

static string Machine()
{
    var cpu = File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
        : null;
    return $"machine: {cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}; "
        + $".NET {Environment.Version}; {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC";
}
