using System.Globalization;

namespace FleetMonitor.Reflector.Tests.Support;

/// <summary>Reads the Reflector's own /metrics page, as Prometheus scrapes it, and compares two readings.</summary>
internal static class MetricsPage
{
    /// <summary>Every series whose name starts with <paramref name="prefix"/>, by its full name with labels.</summary>
    public static async Task<Dictionary<string, double>> ReadAsync(HttpClient client, string prefix)
    {
        var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return text.Split('\n')
            .Where(line => line.StartsWith(prefix, StringComparison.Ordinal))
            .Select(line => line.Split(' '))
            .ToDictionary(parts => parts[0], parts => double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    public static double Delta(Dictionary<string, double> before, Dictionary<string, double> after, string series) =>
        after.GetValueOrDefault(series) - before.GetValueOrDefault(series);
}
