using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FleetMonitor.Api;
using FleetMonitor.Api.Access;
using FleetMonitor.Bench.Control;
using FleetMonitor.Bench.Ingestion;
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

// Usage: [agents (10000)] [sites (100)] [rounds (3)]
var agentCount = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
var siteCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
if (agentCount % siteCount != 0)
{
    Console.Error.WriteLine("agents must be a multiple of sites");
    return 2;
}

await using var environment = new BenchEnvironment();
await environment.CreateAsync();

// The Api exactly as its Program.cs wires it, on the benchmark's database and vhost.
var builder = WebApplication.CreateBuilder();
builder.Configuration.Sources.Clear();
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Storage:Provider"] = nameof(StorageDialect.PostgreSql),
    ["Storage:ConnectionString"] = environment.ConnectionString,
    ["Control:BrokerUri"] = environment.AmqpUri,
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
await app.Services.GetRequiredService<ApiTokenStore>().CreateAsync(tokenId, "bench", ApiTokens.Hash(secret), AccessRoles.Admin, "bench", CancellationToken.None);
using var http = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First()) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
http.Timeout = TimeSpan.FromMinutes(10);

var sites = Enumerable.Range(0, siteCount).Select(i => $"bench-site-{i:D4}").ToList();
foreach (var site in sites)
{
    (await http.PostAsJsonAsync("/api/sites", new { id = site, name = site, timeZone = "UTC" })).EnsureSuccessStatusCode();
}

var clock = Stopwatch.StartNew();
await using var agents = await SimulatedAgents.StartAsync(environment.AmqpUri, sites, agentCount / siteCount);
Console.WriteLine($"{agents.Count} agent queues declared, bound and consumed in {clock.Elapsed.TotalSeconds:F1} s");

// The shipped remote VoIP phone template, applied to every site.
const string Template = "remote-voip-phone";
var targets = new Dictionary<string, long>(StringComparer.Ordinal);
var applyStart = Stopwatch.GetTimestamp();
foreach (var site in sites)
{
    var applied = await (await http.PutAsJsonAsync($"/api/sites/{site}/templates/{Template}", new
    {
        variables = new { pbx = "pbx.example.com", provisioning = "prov.example.com", reflector = "reflector.example.com", sip_domain = "example.com" },
    })).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>();
    targets[site] = applied!["scheduleVersion"]!.GetValue<long>();
}

var firstDone = await agents.WaitForAllAsync(targets, TimeSpan.FromMinutes(10));
Console.WriteLine($"template applied to {siteCount} sites one request each, until all agents had it: "
    + (firstDone is null ? "NOT within 10 min" : $"{Stopwatch.GetElapsedTime(applyStart, firstDone.Value).TotalSeconds:F2} s"));

var definitions = (await http.GetFromJsonAsync<JsonObject>($"/api/templates/{Template}"))!["definitions"]!.AsArray();
Console.WriteLine("| round | PUT /api/templates answered | all agents applied | agents |");
Console.WriteLine("|---|---|---|---|");
for (var round = 1; round <= rounds; round++)
{
    // The change: the PBX's TCP check alternates between every 60 s and every 120 s.
    var changed = JsonNode.Parse(definitions.ToJsonString())!.AsArray();
    changed[0]!["intervalSeconds"] = round % 2 == 1 ? 120 : 60;
    var start = Stopwatch.GetTimestamp();
    var response = await http.PutAsJsonAsync($"/api/templates/{Template}", new { name = "Remote VoIP phone", definitions = changed });
    var answered = Stopwatch.GetElapsedTime(start);
    var saved = await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>();
    foreach (var site in saved!["sites"]!.AsArray())
    {
        targets[site!["siteId"]!.GetValue<string>()] = site["scheduleVersion"]!.GetValue<long>();
    }

    var done = await agents.WaitForAllAsync(targets, TimeSpan.FromMinutes(10));
    Console.WriteLine(done is null
        ? $"| {round} | {answered.TotalSeconds:F2} s | NOT within 10 min ({agents.Applied(targets)} applied) | {agents.Count} |"
        : $"| {round} | {answered.TotalSeconds:F2} s | {Stopwatch.GetElapsedTime(start, done.Value).TotalSeconds:F2} s | {agents.Count} |");
}

await app.StopAsync();
return 0;
