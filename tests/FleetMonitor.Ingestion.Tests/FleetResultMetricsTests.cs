using System.Text;
using FleetMonitor.Contracts;
using FleetMonitor.Ingestion.FleetMetrics;
using Prometheus;

namespace FleetMonitor.Ingestion.Tests;

/// <summary>The fleet series stay few however many agents report and whatever they send.</summary>
public sealed class FleetResultMetricsTests
{
    private static readonly string[] Kinds = ["tcp", "http", "dns", "sip", "media", "nat", "sip-alg", "exposure", "upnp"];
    private static readonly ProbeOutcome[] Outcomes = [ProbeOutcome.Ok, ProbeOutcome.Degraded, ProbeOutcome.Failed, ProbeOutcome.Error];

    [Fact]
    public async Task Ten_thousand_agents_at_as_many_sites_with_arbitrary_kinds_and_findings_make_a_bounded_number_of_series()
    {
        const int agents = 10_000;
        const int siteLimit = 50;
        var registry = Metrics.NewCustomRegistry();
        var metrics = new FleetResultMetrics(Metrics.WithCustomRegistry(registry), siteLimit);
        var random = new Random(11);
        var start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var results = 0;
        for (var a = 0; a < agents; a++)
        {
            // Every agent at its own site, sending every kind plus one nobody knows, with findings of every shape.
            foreach (var kind in Kinds.Append($"kind-{a}"))
            {
                metrics.Record(new ProbeCompleted
                {
                    SchemaVersion = ProbeCompleted.CurrentSchemaVersion,
                    Id = Guid.CreateVersion7(start),
                    AgentId = $"agent-{a}",
                    SiteId = $"site-{a}",
                    ProbeId = $"probe-{kind}",
                    ProbeVersion = 1,
                    Kind = kind,
                    Target = "pbx.example.com:5061",
                    StartedAt = start,
                    DurationMs = 10,
                    Outcome = Outcomes[random.Next(Outcomes.Length)],
                    Measurements = new Dictionary<string, double> { ["mos_plc"] = 1 + (3.5 * random.NextDouble()), ["loss_ratio"] = random.NextDouble() / 10 },
                    Findings = ["tcp.refused", $"exposure.open.{random.Next(1, 65536)}/udp", $"http.status.{random.Next(100, 600)}", $"made.up.{a}", $"agent-{a}"],
                });
                results++;
            }
        }

        var series = await SeriesAsync(registry);

        // The closed label sets: sites up to the limit plus "other", the known kinds plus "other", four outcomes,
        // 10 MOS and 10 loss buckets (+Inf, _sum, _count), and the findings the probe library defines.
        var sites = siteLimit + 1;
        var bound = (sites * (Kinds.Length + 1) * Outcomes.Length) + (2 * sites * (10 + 3)) + FindingLabels.Known.Count;
        Assert.InRange(series.Count, 1, bound);
        Assert.DoesNotContain(series, s => s.Contains("agent-", StringComparison.Ordinal) || s.Contains("made.up", StringComparison.Ordinal) || s.Contains("kind-", StringComparison.Ordinal));

        var resultSeries = series.Where(s => s.StartsWith("fleetmonitor_fleet_results_total{", StringComparison.Ordinal)).ToList();
        Assert.Equal(results, resultSeries.Sum(Value));
        Assert.Equal(sites, resultSeries.Select(s => Label(s, "site")).Distinct().Count());
        Assert.Contains(resultSeries, s => Label(s, "site") == "other" && Label(s, "kind") == "other");
        Assert.Equal(results, series.Where(s => s.StartsWith("fleetmonitor_fleet_mos_score_count{", StringComparison.Ordinal)).Sum(Value));

        var findings = series.Where(s => s.StartsWith("fleetmonitor_fleet_findings_total{", StringComparison.Ordinal)).ToDictionary(s => Label(s, "code"), Value);
        Assert.Equal(results, findings["tcp.refused"]);
        Assert.Equal(results, findings["exposure.open"]);
        Assert.Equal(results, findings["http.status"]);
        Assert.Equal(2 * results, findings["other"]);
    }

    [Theory]
    [InlineData("tcp.refused", "tcp.refused")]
    [InlineData("nat.symmetric", "nat.symmetric")]
    [InlineData("exposure.open.5060/udp", "exposure.open")]
    [InlineData("sip.status.486", "sip.status")]
    [InlineData("sip.status.", "other")]
    [InlineData("exposure.openx", "other")]
    [InlineData("TCP.REFUSED", "other")]
    [InlineData("", "other")]
    public void Finding_codes_map_to_a_closed_set_of_labels(string code, string label) => Assert.Equal(label, FindingLabels.Label(code));

    private static async Task<List<string>> SeriesAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return [.. Encoding.UTF8.GetString(stream.ToArray()).Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#'))];
    }

    private static double Value(string line) => double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    private static string Label(string line, string name)
    {
        var start = line.IndexOf($"{name}=\"", StringComparison.Ordinal) + name.Length + 2;
        return line[start..line.IndexOf('"', start)];
    }
}
