using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using FleetMonitor.Api.Tests;
using FleetMonitor.EndToEnd.Support;
using FleetMonitor.Storage;
using FleetMonitor.Storage.Tests;
using Npgsql;

namespace FleetMonitor.EndToEnd.Control;

/// <summary>
/// Two agent processes of one site, their definition made from a template (PostgreSQL) on a cron that does not fire
/// during the test: "probe now" of that definition on one agent, then on every agent of the site.
/// </summary>
public sealed class ProbeNowTests
{
    private const string Site = "home-now";
    private const string First = "agent-now-1";
    private const string Second = "agent-now-2";

    [Fact]
    public async Task Probe_now_runs_a_definition_by_id_on_one_agent_then_on_every_agent_of_the_site()
    {
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var ingestion = await IngestionHost.StartAsync(vhost, database);
        await using var api = await ApiHost.StartAsync(vhost, database);
        var folder = Directory.CreateTempSubdirectory("fleetmonitor-probe-now-").FullName;
        var config = Path.Combine(folder, "agent.json");
        await File.WriteAllTextAsync(config, "{}");
        try
        {
            (await api.Http.PostAsJsonAsync("/api/sites", new { id = Site, name = "Home", timeZone = "UTC" })).EnsureSuccessStatusCode();
            // Only "ok" results are counted below: a wide budget keeps a busy machine's deadline out of it.
            (await api.Http.PutAsJsonAsync("/api/templates/now-template", new
            {
                name = "Ingestion reachable",
                definitions = new[] { new { id = "now-tcp", kind = "tcp", target = "${host}:" + ingestion.Address.Port, cron = "0 0 0 1 1 ? 2090", timeoutSeconds = 30 } },
            })).EnsureSuccessStatusCode();
            var applied = await (await api.Http.PutAsJsonAsync($"/api/sites/{Site}/templates/now-template", new { variables = new { host = "127.0.0.1" } })).ReadJsonAsync();
            Assert.True(applied.GetProperty("delivered").GetBoolean());
            var version = applied.GetProperty("scheduleVersion").GetInt64();

            var first = AgentProcess.Start(folder, AgentProcess.ControlEnvironment(First, Site, vhost.AmqpUri, folder, "first.db"), "run", "--config", config);
            await using (first)
            {
                var second = AgentProcess.Start(folder, AgentProcess.ControlEnvironment(Second, Site, vhost.AmqpUri, folder, "second.db"), "run", "--config", config);
                await using (second)
                {
                    string Output() => $"\nfirst agent:\n{first.Output}\nsecond agent:\n{second.Output}";

                    // Both run the template's schedule (and so listen on their queues) before anything is asked of them.
                    await WaitAsync(
                        async () => (await (await api.Http.GetAsync($"/api/sites/{Site}/schedule")).ReadJsonAsync()).GetProperty("agents").EnumerateArray()
                            .Count(a => a.TryGetProperty("appliedVersion", out var v) && v.GetInt64() >= version),
                        n => n == 2, "both agents applying the template's schedule", Output);

                    var one = await (await api.Http.PostAsJsonAsync($"/api/sites/{Site}/probe-now", new { definitionId = "now-tcp", agentId = First }))
                        .ReadJsonAsync(HttpStatusCode.Accepted);
                    Assert.True(one.GetProperty("delivered").GetBoolean());
                    Assert.Equal(1, one.GetProperty("probe").GetProperty("version").GetInt32());
                    await WaitAsync(() => CountAsync(database, First), n => n == 1, "the first agent's result", Output);

                    var all = await (await api.Http.PostAsJsonAsync($"/api/sites/{Site}/probe-now", new { definitionId = "now-tcp" })).ReadJsonAsync(HttpStatusCode.Accepted);
                    Assert.Equal(JsonValueKind.Null, all.TryGetProperty("agentId", out var agent) ? agent.ValueKind : JsonValueKind.Null);
                    await WaitAsync(() => CountAsync(database, Second), n => n >= 1, "the second agent's result", Output);
                    await WaitAsync(() => CountAsync(database, First), n => n >= 2, "the first agent's second result", Output);

                    // The request for the first agent alone came before the site-wide one on the same queues: had it reached
                    // the second agent too, that agent would have run it before the site-wide one.
                    Assert.Equal(1, await CountAsync(database, Second));
                    Assert.Equal(2, await CountAsync(database, First));
                }
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task WaitAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, Func<string> output)
    {
        try
        {
            await Eventually.WaitAsync(read, done, TimeSpan.FromSeconds(60), what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + output(), e);
        }
    }

    /// <summary>The agent's stored results of the definition, with its version and outcome ok.</summary>
    private static async Task<long> CountAsync(TestDatabase database, string agentId)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM probe_results WHERE agent_id = @AgentId AND probe_id = 'now-tcp' AND probe_version = 1 AND outcome = 'ok'",
            new { AgentId = agentId }));
    }
}
