using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using FleetMonitor.Contracts;
using FleetMonitor.EndToEnd.Support;
using FleetMonitor.Storage;
using FleetMonitor.Storage.Tests;

namespace FleetMonitor.EndToEnd.Server;

/// <summary>
/// Every Grafana panel and variable that reads PostgreSQL directly (the per-agent drill-down) runs, with its variables
/// and time macro filled in as Grafana fills them, against a real database holding one agent's results, and returns rows.
/// </summary>
public sealed partial class GrafanaSqlPanelsTests
{
    private const string Agent = "agent-o'hara-pc";

    [Fact]
    public async Task Every_postgresql_panel_query_returns_rows_for_an_agent_with_results()
    {
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        var now = TimeProvider.System.GetUtcNow();
        var results = new List<ProbeCompleted>();
        for (var i = 0; i < 6; i++)
        {
            var at = now.AddHours(-6 + i);
            results.Add(Result("media", at, ProbeOutcome.Ok, new() { ["mos_plc"] = 4.2 - (i * 0.1), ["loss_ratio"] = i * 0.002, ["rtt_avg_ms"] = 40 + i }, [], []));
            // The router changes its NAT behaviour halfway: a verdict change.
            results.Add(Result("nat", at, ProbeOutcome.Ok, new() { ["binding_lifetime_s"] = 30 + i },
                new() { ["nat_type"] = i < 3 ? "port_restricted_cone" : "symmetric", ["mapped_address"] = "198.51.100.7:40000" }, []));
            results.Add(Result("exposure", at, i < 3 ? ProbeOutcome.Ok : ProbeOutcome.Degraded, new() { ["ports_open"] = i < 3 ? 0 : 1 }, [],
                i < 3 ? [] : ["exposure.open.5060/udp"]));
        }

        await new ResultStore(database.Database, TimeProvider.System).StoreBatchAsync(results, CancellationToken.None);

        var queries = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "infra", "grafana", "dashboards"), "*.json")
            .SelectMany(file => SqlQueries(Path.GetFileName(file), JsonDocument.Parse(File.ReadAllText(file)).RootElement))
            .ToList();
        Assert.Contains(queries, q => q.Where.StartsWith("agent.json panel", StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Where == "agent.json variable agent");

        await using var connection = await database.Database.OpenAsync(CancellationToken.None);
        foreach (var (where, sql) in queries)
        {
            var filled = Fill(sql, now.AddDays(-1), now.AddMinutes(1));
            var rows = (await connection.QueryAsync(filled)).ToList();
            Assert.True(rows.Count > 0, $"{where} returned no rows:\n{filled}");
        }
    }

    /// <summary>The SQL of every PostgreSQL panel target and query variable of a dashboard.</summary>
    private static IEnumerable<(string Where, string Sql)> SqlQueries(string dashboard, JsonElement root)
    {
        foreach (var panel in root.GetProperty("panels").EnumerateArray())
        {
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                if (target.TryGetProperty("rawSql", out var sql))
                {
                    yield return ($"{dashboard} panel {panel.GetProperty("title").GetString()}", sql.GetString()!);
                }
            }
        }

        if (root.TryGetProperty("templating", out var templating))
        {
            foreach (var variable in templating.GetProperty("list").EnumerateArray())
            {
                if (variable.GetProperty("datasource").GetProperty("type").GetString() == "grafana-postgresql-datasource")
                {
                    yield return ($"{dashboard} variable {variable.GetProperty("name").GetString()}", variable.GetProperty("query").GetString()!);
                }
            }
        }
    }

    /// <summary>
    /// As Grafana fills a query: <c>${agent:sqlstring}</c> becomes a quoted literal (quotes doubled) and
    /// <c>$__timeFilter(column)</c> a BETWEEN of the dashboard's range. Anything else left with a <c>$</c> is an error.
    /// </summary>
    private static string Fill(string sql, DateTimeOffset from, DateTimeOffset to)
    {
        var filled = sql.Replace("${agent:sqlstring}", $"'{Agent.Replace("'", "''", StringComparison.Ordinal)}'", StringComparison.Ordinal);
        filled = TimeFilter().Replace(filled, m => $"{m.Groups[1].Value} BETWEEN '{from:O}' AND '{to:O}'");
        Assert.DoesNotContain("$", filled, StringComparison.Ordinal);
        return filled;
    }

    [GeneratedRegex(@"\$__timeFilter\(([a-z_]+)\)")]
    private static partial Regex TimeFilter();

    private static ProbeCompleted Result(
        string kind, DateTimeOffset at, ProbeOutcome outcome, Dictionary<string, double> measurements, Dictionary<string, string> facts, IReadOnlyList<string> findings) => new()
    {
        SchemaVersion = ProbeCompleted.CurrentSchemaVersion,
        Id = Guid.CreateVersion7(at),
        AgentId = Agent,
        SiteId = "site-grafana",
        ProbeId = $"probe-{kind}",
        ProbeVersion = 1,
        Kind = kind,
        Target = "reflector.example.net:3478",
        StartedAt = at,
        DurationMs = 20,
        Outcome = outcome,
        Measurements = measurements,
        Facts = facts,
        Findings = findings,
    };
}
