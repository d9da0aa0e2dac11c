using FleetMonitor.Contracts;

namespace FleetMonitor.Bench;

/// <summary>What the benchmarks publish and how they report it: one simulated TCP probe result, percentiles, the load.</summary>
internal static class BenchResults
{
    /// <summary>A TCP probe result as an agent sends it: ok, or failed with <c>tcp.refused</c>.</summary>
    public static ProbeCompleted Tcp(string agentId, string siteId, string probeId, DateTimeOffset startedAt, bool failed) => new()
    {
        SchemaVersion = ProbeCompleted.CurrentSchemaVersion,
        Id = Guid.CreateVersion7(startedAt),
        AgentId = agentId,
        SiteId = siteId,
        ProbeId = probeId,
        ProbeVersion = 1,
        Kind = "tcp",
        Target = "pbx.example.com:5061",
        StartedAt = startedAt,
        DurationMs = 21.7,
        Outcome = failed ? ProbeOutcome.Failed : ProbeOutcome.Ok,
        Measurements = new Dictionary<string, double> { ["dns_ms"] = 3.1, ["connect_ms"] = 21.7 },
        Facts = new Dictionary<string, string> { ["remote_address"] = "192.0.2.10:5061" },
        Findings = failed ? ["tcp.refused"] : [],
    };

    /// <summary>The value at <paramref name="p"/> (0–1) of ascending <paramref name="sorted"/>; NaN when empty.</summary>
    public static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Length - 1, p * sorted.Length)];

    /// <summary>The machine's load average (1, 5, 15 minutes), as the benchmarks print it beside their figures.</summary>
    public static string Load() => "load average " + string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
