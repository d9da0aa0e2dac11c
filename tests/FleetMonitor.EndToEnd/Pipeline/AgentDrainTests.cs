using Dapper;
using FleetMonitor.Agent.Outbox;
using FleetMonitor.Agent.Scheduling;
using FleetMonitor.Contracts;
using FleetMonitor.EndToEnd.Control;
using FleetMonitor.EndToEnd.Support;
using FleetMonitor.Storage;
using FleetMonitor.Storage.Tests;

namespace FleetMonitor.EndToEnd.Pipeline;

/// <summary>
/// The agent as a real process, back after a simulated day offline with 100,000 results in its outbox: it drains them
/// paced, is killed with SIGKILL mid-publish, and once restarted on the same outbox every result is stored
/// exactly once, nothing is left in an error queue or unacknowledged, and each probe's state is its newest result.
/// </summary>
public sealed class AgentDrainTests
{
    private const string AgentId = "agent-back-online";
    private const string Site = "home-drain";
    private const int Results = 100_000;
    private const int Probes = 20;
    private const int MaxResultsPerSecond = 5_000;

    [Fact]
    public async Task A_day_of_results_drains_paced_and_survives_the_agent_killed_mid_publish()
    {
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var ingestion = await IngestionHost.StartAsync(vhost, database);

        // tmpfs when there is one: filling the outbox commits once per result, as the agent's probes do.
        var root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        var folder = Directory.CreateDirectory(Path.Combine(root, $"fleetmonitor-drain-{Guid.NewGuid():N}")).FullName;
        var outboxPath = Path.Combine(folder, "outbox.db");
        var config = Path.Combine(folder, "agent.json");
        await File.WriteAllTextAsync(config, "{}");
        try
        {
            // A day of results, oldest first, as the scheduler would have written them while the broker was unreachable.
            var published = new List<Guid>(Results);
            var newest = new Dictionary<string, ProbeCompleted>();
            var start = TimeProvider.System.GetUtcNow().AddDays(-1);
            using (var outbox = new ResultOutbox(outboxPath, TimeProvider.System))
            {
                var messages = new AgentMessages(outbox);
                for (var i = 0; i < Results; i++)
                {
                    var result = ResultFeed.Result(start.AddMilliseconds(i * 864.0), AgentId, Site, $"probe-{i % Probes}", i);
                    await messages.EnqueueAsync(result, CancellationToken.None);
                    published.Add(result.Id);
                    newest[result.ProbeId] = result;
                }
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            var environment = new Dictionary<string, string>
            {
                ["Agent__AgentId"] = AgentId,
                ["Agent__SiteId"] = Site,
                ["Agent__Broker__Uri"] = vhost.AmqpUri,
                ["Agent__Broker__DeclareExchange"] = "true",
                ["Agent__Broker__MaxResultsPerSecond"] = MaxResultsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Agent__OutboxPath"] = outboxPath,
                ["Agent__HeartbeatInterval"] = "00:10:00",
            };
            var depth = () => OutboxDepthAsync(outboxPath);
            Task<long> Stored() => ingestion.Results.CountAsync(CancellationToken.None);

            var first = AgentProcess.Start(folder, environment, "run", "--config", config);
            long storedAtKill;
            await using (first)
            {
                Func<Task<string>> diagnose = async () => $"agent output:{Environment.NewLine}{first.Output}{Environment.NewLine}{await vhost.DescribeQueuesAsync()}";
                storedAtKill = await Eventually.WaitAsync(Stored, n => n >= Results / 5, TimeSpan.FromSeconds(180), "a fifth of the backlog stored", diagnose);
                // DisposeAsync kills the process (SIGKILL) without letting it stop, and waits for it to end.
            }

            var leftInOutbox = await depth();
            Assert.True(leftInOutbox > 0 && storedAtKill < Results, $"the kill landed after the drain: {storedAtKill} stored, {leftInOutbox} in the outbox");

            await using var second = AgentProcess.Start(folder, environment, "run", "--config", config);
            await PipelineAssertions.AssertEveryResultStoredOnceAsync(
                vhost, depth, database.Database, published, async () => $"agent output:{Environment.NewLine}{second.Output}{Environment.NewLine}{await vhost.DescribeQueuesAsync()}");

            await using var connection = await database.Database.OpenAsync(CancellationToken.None);

            // Paced: the agent sent at most MaxResultsPerSecond, so storing them took at least that long (minus one round
            // on each side). A slower machine only makes the span longer.
            var span = await connection.ExecuteScalarAsync<TimeSpan>(
                "SELECT max(received_at) - min(received_at) FROM probe_results");
            Assert.True(span >= TimeSpan.FromSeconds(0.8 * Results / MaxResultsPerSecond), $"drained in {span}: faster than {MaxResultsPerSecond}/s");

            // The latest state right afterwards: each probe's state is its newest result, not one that arrived later.
            var states = (await connection.QueryAsync<(string ProbeId, Guid LastResultId, string Outcome)>(
                "SELECT probe_id, last_result_id, outcome FROM endpoint_state WHERE agent_id = @AgentId", new { AgentId })).ToList();
            Assert.Equal(Probes, states.Count);
            foreach (var state in states)
            {
                Assert.Equal(newest[state.ProbeId].Id, state.LastResultId);
                Assert.Equal(OutcomeText.Format(newest[state.ProbeId].Outcome), state.Outcome);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<long> OutboxDepthAsync(string path)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox");
    }
}
