using System.Diagnostics;
using System.Globalization;

namespace FleetMonitor.Bench.Dashboard;

/// <summary>Latencies of one endpoint, requested one at a time (after warm-up requests), as a dashboard would.</summary>
internal sealed record Timing(double P50, double P95, double Max, long Bytes, int Count)
{
    public static async Task<Timing> MeasureAsync(HttpClient http, Func<string> path, int count)
    {
        for (var i = 0; i < 3; i++)
        {
            (await http.GetAsync(path())).EnsureSuccessStatusCode();
        }

        var times = new List<double>();
        long bytes = 0;
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(path());
            response.EnsureSuccessStatusCode();
            bytes = (await response.Content.ReadAsByteArrayAsync()).LongLength;
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return From(times, bytes);
    }

    public static Timing From(IReadOnlyList<double> times, long bytes)
    {
        var sorted = times.Order().ToArray();
        return new Timing(Percentile(sorted, 0.50), Percentile(sorted, 0.95), sorted[^1], bytes, sorted.Length);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"p50 {P50,8:F1} ms  p95 {P95,8:F1} ms  max {Max,8:F1} ms  (n={Count}, last response {Bytes:N0} bytes)");

    private static double Percentile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
