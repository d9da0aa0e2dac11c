using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Dapper;
using FleetMonitor.Agent.Outbox;
using FleetMonitor.Api.Tests;
using FleetMonitor.EndToEnd.Support;
using FleetMonitor.Storage;
using FleetMonitor.Storage.Tests;
using Npgsql;

namespace FleetMonitor.EndToEnd.Control;

/// <summary>
/// Definitions made in the Api reach a running agent process over its own queue: they run with their version, a
/// change applies without a restart, a deleted one stops, "probe now" answers, and a restart with the broker gone
/// runs the cached schedule.
/// </summary>
public sealed class ScheduleDeliveryTests
{
    private const string Site = "home-ctl";
    private const string AgentId = "agent-ctl-1";

    [Fact]
    public async Task Definitions_reach_a_running_agent_change_live_stop_when_deleted_and_survive_a_restart_without_broker()
    {
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var ingestion = await IngestionHost.StartAsync(vhost, database);
        await using var api = await ApiHost.StartAsync(vhost, database);
        var folder = Directory.CreateTempSubdirectory("fleetmonitor-agent-ctl-").FullName;
        var target = $"127.0.0.1:{ingestion.Address.Port}";
        // The agent's settings come from the environment; its configuration file is there and empty.
        var config = Path.Combine(folder, "agent.json");
        await File.WriteAllTextAsync(config, "{}");
        try
        {
            (await api.Http.PostAsJsonAsync("/api/sites", new { id = Site, name = "Home", timeZone = "UTC" })).EnsureSuccessStatusCode();
            var agent = AgentProcess.Start(folder, Environment(vhost.AmqpUri, folder, "outbox.db"), "run", "--config", config);
            await using (agent)
            {
                // The agent is listening once its heartbeat reports (it asked for the schedule right after it began consuming).
                await WaitForAppliedVersionAsync(api, v => true, agent, "the agent's first heartbeat");

                var created = await (await api.Http.PutAsJsonAsync($"/api/sites/{Site}/definitions/ingestion-tcp",
                    new { kind = "tcp", target, intervalSeconds = 1, timeoutSeconds = 1 })).ReadJsonAsync(HttpStatusCode.Created);
                Assert.True(created.GetProperty("delivered").GetBoolean());
                await WaitForResultsAsync(database, "ingestion-tcp", version: 1, agent);

                // A new cron reaches the same process: results come with version 2.
                var pid = agent.Id;
                (await api.Http.PutAsJsonAsync($"/api/sites/{Site}/definitions/ingestion-tcp",
                    new { kind = "tcp", target, cron = "0/1 * * * * ?", timeoutSeconds = 1 })).EnsureSuccessStatusCode();
                await WaitForResultsAsync(database, "ingestion-tcp", version: 2, agent);
                Assert.False(agent.HasExited);
                Assert.Equal(pid, agent.Id);

                // A deleted definition stops running.
                (await api.Http.PutAsJsonAsync($"/api/sites/{Site}/definitions/doomed",
                    new { kind = "tcp", target, intervalSeconds = 1, timeoutSeconds = 1 })).EnsureSuccessStatusCode();
                await WaitForResultsAsync(database, "doomed", version: 1, agent);
                var afterDelete = await (await api.Http.DeleteAsync($"/api/sites/{Site}/definitions/doomed")).ReadJsonAsync();
                var deletedVersion = afterDelete.GetProperty("schedule").GetProperty("version").GetInt64();
                await WaitForAppliedVersionAsync(api, v => v >= deletedVersion, agent, $"schedule version {deletedVersion} applied");
                // The agent applied the deletion before its heartbeat said so: a doomed run started after this instant
                // would be one too many. Results of runs before it may still be on their way, and are not counted.
                var applied = TimeProvider.System.GetUtcNow();
                // The positive marker: the other definition's runs of the next seconds (one a second) have arrived, so a
                // doomed run in that time (it ran every second) would have had the same time to arrive.
                await WaitForResultsAsync(database, "ingestion-tcp", version: 2, agent, startedAfter: applied + TimeSpan.FromSeconds(4));
                Assert.Equal(0, await CountAsync(database, "doomed", startedAfter: applied));
                Assert.True(await CountAsync(database, "doomed") > 0);

                // Probe now: an ad-hoc probe on this one agent.
                var accepted = await (await api.Http.PostAsJsonAsync($"/api/sites/{Site}/probe-now",
                    new { kind = "tcp", target, timeoutSeconds = 2, agentId = AgentId })).ReadJsonAsync(HttpStatusCode.Accepted);
                var adhocId = accepted.GetProperty("probe").GetProperty("id").GetString()!;
                Assert.StartsWith("adhoc-", adhocId, StringComparison.Ordinal);
                await WaitForResultsAsync(database, adhocId, version: 0, agent);
            }

            // Restarted while the broker cannot be reached: the cached schedule (ingestion-tcp v2) runs into the outbox.
            var unreachable = $"amqp://{RabbitMqVhost.User}:{RabbitMqVhost.Password}@127.0.0.1:{ClosedPort()}/";
            var offline = AgentProcess.Start(folder, Environment(unreachable, folder, "offline-outbox.db"), "run", "--config", config);
            await using (offline)
            {
                using var outbox = new ResultOutbox(Path.Combine(folder, "offline-outbox.db"), TimeProvider.System);
                var runs = await Eventually.WaitAsync(
                    async () => await ProbeRunsInOutboxAsync(outbox),
                    r => r.Contains(("ingestion-tcp", 2)),
                    TimeSpan.FromSeconds(60),
                    "the cached schedule running with the broker down");
                Assert.DoesNotContain(runs, r => r.ProbeId == "doomed");
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Dictionary<string, string> Environment(string brokerUri, string folder, string outbox) =>
        AgentProcess.ControlEnvironment(AgentId, Site, brokerUri, folder, outbox);

    private static async Task WaitForAppliedVersionAsync(ApiHost api, Func<long, bool> done, AgentProcess agent, string what)
    {
        try
        {
            await Eventually.WaitAsync(
                async () =>
                {
                    var schedule = await (await api.Http.GetAsync($"/api/sites/{Site}/schedule")).ReadJsonAsync();
                    var row = schedule.GetProperty("agents").EnumerateArray().FirstOrDefault(a => a.GetProperty("agentId").GetString() == AgentId);
                    return row.ValueKind == JsonValueKind.Object && row.TryGetProperty("appliedVersion", out var v) ? v.GetInt64() : (long?)null;
                },
                v => v is { } version && done(version),
                TimeSpan.FromSeconds(60),
                what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\nagent output:\n{agent.Output}", e);
        }
    }

    private static async Task WaitForResultsAsync(TestDatabase database, string probeId, int version, AgentProcess agent, DateTimeOffset? startedAfter = null)
    {
        try
        {
            await Eventually.WaitAsync(
                () => CountAsync(database, probeId, version, startedAfter),
                n => n > 0,
                TimeSpan.FromSeconds(60),
                $"results of {probeId} version {version}" + (startedAfter is { } after ? $" started after {after:O}" : ""));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\nagent output:\n{agent.Output}", e);
        }
    }

    private static async Task<long> CountAsync(TestDatabase database, string probeId, int? version = null, DateTimeOffset? startedAfter = null)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            SELECT count(*) FROM probe_results
            WHERE agent_id = @AgentId AND probe_id = @ProbeId AND (@Version::int IS NULL OR probe_version = @Version)
              AND (@StartedAfter::timestamptz IS NULL OR started_at > @StartedAfter)
            """,
            new { AgentId, ProbeId = probeId, Version = version, StartedAfter = startedAfter }));
    }

    private static async Task<List<(string ProbeId, int ProbeVersion)>> ProbeRunsInOutboxAsync(ResultOutbox outbox)
    {
        var messages = await outbox.PeekAsync(1000, CancellationToken.None);
        return messages.Where(m => m.Type == "ProbeCompleted").Select(m =>
        {
            using var json = JsonDocument.Parse(m.Body);
            return (json.RootElement.GetProperty("probeId").GetString()!, json.RootElement.GetProperty("probeVersion").GetInt32());
        }).ToList();
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
