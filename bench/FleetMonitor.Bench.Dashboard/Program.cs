using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using FleetMonitor.Api;
using FleetMonitor.Api.Access;
using FleetMonitor.Bench.Dashboard;
using FleetMonitor.ServiceDefaults;
using FleetMonitor.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

// Usage: [agents (100000)] [sites (200)] [history agents (250)] [history interval minutes (30)] [days (30)] [requests per endpoint (40)] [dashboards (50)]
int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
var shape = new FleetShape(Arg(0, 100_000), Arg(1, 200), Arg(4, 30), Arg(2, 250), TimeSpan.FromMinutes(Arg(3, 30)));
var requests = Arg(5, 40);
var dashboards = Arg(6, 50);
var now = TimeProvider.System.GetUtcNow();
var clock = Stopwatch.StartNew();
void Log(string text) => Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {text}");

Log($"start {now:O}; load average {File.ReadAllText("/proc/loadavg").Trim()}");
Log($"shape: {shape.Agents:N0} agents × {FleetShape.Probes.Length} probes in {shape.Sites} sites; {shape.HistoryAgents} agents with a result every {shape.HistoryInterval.TotalMinutes} min for {shape.Days} days "
    + $"({shape.HistoryRows:N0} history rows) + the latest result of every agent and probe ({shape.LatestRows:N0} rows)");

await using var database = new BenchDatabase();
await database.CreateAsync();
try
{
    var loader = new FleetLoader(database, shape, now);
    await loader.CreatePartitionsAsync();
    await loader.LoadSitesAndAgentsAsync();
    var (results, states) = await loader.LoadResultsAndStatesAsync(Log);
    Log($"loaded by COPY: {results:N0} results, {states:N0} states; database {await database.SizeBytesAsync() / 1024 / 1024:N0} MiB");

    // The Api exactly as its Program.cs wires it, on the benchmark's database.
    var builder = WebApplication.CreateBuilder();
    builder.Configuration.Sources.Clear();
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Storage:Provider"] = nameof(StorageDialect.PostgreSql),
        ["Storage:ConnectionString"] = database.ConnectionString,
        ["Access:CreateFirstAdmin"] = "false",
    });
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.AddServiceDefaults();
    builder.AddFleetMonitorApi();
    await using var app = builder.Build();
    app.MapServiceDefaults();
    app.MapFleetMonitorApi();
    await app.StartAsync();
    var (tokenId, secret, token) = ApiTokens.Generate();
    await app.Services.GetRequiredService<ApiTokenStore>().CreateAsync(tokenId, "bench", ApiTokens.Hash(secret), AccessRoles.Viewer, "bench", CancellationToken.None);
    var baseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
    HttpClient Client() => new(new SocketsHttpHandler { MaxConnectionsPerServer = 256 })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromMinutes(5),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", token) },
    };
    using var http = Client();

    await using var heartbeats = new Heartbeats(database);
    await heartbeats.BeatAsync();
    heartbeats.Start();

    // Page weight: what the browser loads for the fleet page, and the data it asks for at once.
    var weight = new List<(string Path, long Bytes)>();
    foreach (var path in new[] { "/", "/dashboard/app.js", "/dashboard/app.css", "/api/session", DashboardRequests.Overview, "/api/fleet/breakdown" })
    {
        weight.Add((path, (await http.GetByteArrayAsync(path)).LongLength));
    }

    Log("page weight (bytes, uncompressed):");
    foreach (var (path, bytes) in weight)
    {
        Log($"  {path,-24} {bytes,12:N0}");
    }

    Log($"  total {weight.Sum(w => w.Bytes):N0}; assets alone {weight.Take(3).Sum(w => w.Bytes):N0}");

    const string BreakdownName = "fleet breakdown";
    var history = Enumerable.Range(0, shape.Agents).Where(shape.HasHistory).ToArray();
    var random = new Random(7);
    var endpoints = new (string Name, Func<string> Path)[]
    {
        ("fleet overview (dashboard's)", () => DashboardRequests.Overview),
        (BreakdownName, () => "/api/fleet/breakdown"),
        ("filtered problem list", () => FilteredProblems(random, shape)),
        ("agent history (200 results)", () =>
        {
            var agent = history[random.Next(history.Length)];
            return $"/api/agents/{FleetShape.AgentId(agent)}/probes/{FleetShape.Probes[random.Next(FleetShape.Probes.Length)].Id}/results?limit=200";
        }),
        ("agent state", () => $"/api/agents/{FleetShape.AgentId(random.Next(shape.Agents))}/state"),
    };
    foreach (var (name, path) in endpoints)
    {
        // The breakdown (every agent's network facts) is no target and takes seconds at 100,000 agents: a few requests tell its cost.
        var timing = await Timing.MeasureAsync(http, path, name == BreakdownName ? Math.Min(requests, 5) : requests);
        Log($"{name,-30} {timing}; load average {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    await PrintHistoryPlanAsync(database, FleetShape.AgentId(history[1]), FleetShape.Probes[4].Id, Log);

    heartbeats.Stop();
    if (dashboards > 0)
    {
        await heartbeats.BeatAsync();
        await LiveDashboards.RunAsync(Client, database, shape, dashboards, rounds: 5, Log);
    }

    Log($"end; load average {File.ReadAllText("/proc/loadavg").Trim()}");
    await app.StopAsync();
}
finally
{
    Log("dropping the database");
}

return 0;

// A filter as the NOC sets it: a class, a site, a search word, or two of them.
static string FilteredProblems(Random random, FleetShape shape) => random.Next(4) switch
{
    0 => $"{DashboardRequests.Overview}&class=exposed",
    1 => $"{DashboardRequests.Overview}&site=site-{random.Next(shape.Sites):D3}",
    2 => $"{DashboardRequests.Overview}&q=sip.alg",
    _ => $"{DashboardRequests.Overview}&class=broken&site=site-{random.Next(shape.Sites):D3}",
};

static async Task PrintHistoryPlanAsync(BenchDatabase database, string agentId, string probeId, Action<string> log)
{
    await using var connection = await database.OpenAsync();
    await using var command = new NpgsqlCommand("""
        EXPLAIN (ANALYZE, BUFFERS) SELECT id, started_at, measurements FROM probe_results
        WHERE agent_id = @AgentId AND probe_id = @ProbeId ORDER BY id DESC LIMIT 200
        """, connection);
    command.Parameters.AddWithValue("AgentId", agentId);
    command.Parameters.AddWithValue("ProbeId", probeId);
    var lines = new List<string>();
    await using (var reader = await command.ExecuteReaderAsync())
    {
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }
    }

    log($"history query plan: {lines.Count(l => l.Contains("Index Scan", StringComparison.Ordinal))} index scans, "
        + $"{lines.Count(l => l.Contains("Seq Scan", StringComparison.Ordinal))} sequential scans; first lines and the totals:");
    foreach (var line in lines.Take(4).Concat(lines.TakeLast(2)))
    {
        log("  " + line);
    }
}
