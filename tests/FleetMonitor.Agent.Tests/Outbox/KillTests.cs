using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FleetMonitor.Agent.Tests.Cli;
using FleetMonitor.Agent.Tests.Support;
using FleetMonitor.Contracts;
using Microsoft.Data.Sqlite;

namespace FleetMonitor.Agent.Tests.Outbox;

/// <summary>The agent process killed with SIGKILL while results pile up: the outbox is intact and all of it arrives later.</summary>
public sealed class KillTests
{
    [Fact]
    public async Task Results_stored_before_kill_9_are_intact_and_published_after_the_restart()
    {
        await using var broker = await AgentBroker.CreateAsync("home");
        using var folder = new TempDirectory();
        using var pbx = new TcpListener(IPAddress.Loopback, 0);
        pbx.Start();
        var outboxPath = folder.File("outbox.db");

        // First life: the broker is unreachable (a closed port), so results stay in the outbox.
        WriteConfig(folder, $"amqp://x:y@127.0.0.1:{ProbeCommandTests.ClosedPort()}/", ((IPEndPoint)pbx.LocalEndpoint).Port);
        await using (var agent = AgentProcess.Start(folder.Path, null, "run", "--config", "agent.json"))
        {
            await Eventually.TrueAsync(async () => await CountAsync(outboxPath) >= 6, TimeSpan.FromSeconds(90), "results in the outbox");
            agent.Kill();
            await agent.WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal("ok", await ScalarAsync(outboxPath, "PRAGMA integrity_check"));
        var before = await IdsAsync(outboxPath);
        Assert.True(before.Count >= 6);

        // Second life: the broker is there; everything from before the kill arrives.
        WriteConfig(folder, broker.AgentUri, ((IPEndPoint)pbx.LocalEndpoint).Port);
        await using (var agent = AgentProcess.Start(folder.Path, null, "run", "--config", "agent.json"))
        {
            var delivered = new HashSet<string>(StringComparer.Ordinal);
            await Eventually.TrueAsync(
                async () =>
                {
                    foreach (var (key, body) in await broker.DrainAsync())
                    {
                        delivered.UnionWith(ResultIds(key, body));
                    }

                    return before.IsSubsetOf(delivered);
                },
                TimeSpan.FromSeconds(90),
                "the results stored before the kill reach the broker");
            Assert.False(agent.HasExited, await (agent.HasExited ? agent.StderrAsync() : Task.FromResult("")));
        }
    }

    private static void WriteConfig(TempDirectory folder, string brokerUri, int pbxPort) => folder.Write("agent.json", $$"""
        {
          "Agent": {
            "AgentId": "pc-kill",
            "SiteId": "home",
            "OutboxPath": "outbox.db",
            "MaxSplay": "00:00:00",
            "HeartbeatInterval": "00:00:01",
            "Broker": { "Uri": "{{brokerUri}}", "MinReconnectDelay": "00:00:00.100", "MaxReconnectDelay": "00:00:01" },
            "Probes": [ { "Id": "pbx", "Kind": "tcp", "Target": "127.0.0.1:{{pbxPort}}", "IntervalSeconds": 1 } ]
          }
        }
        """);

    private static IEnumerable<string> ResultIds(string routingKey, byte[] body)
    {
        if (routingKey.StartsWith("results.", StringComparison.Ordinal))
        {
            return JsonSerializer.Deserialize(body, WireFormatJsonContext.Default.ProbeResultsBatched)!.Results.Select(r => r.Id.ToString());
        }

        return routingKey.StartsWith("result.", StringComparison.Ordinal)
            ? [JsonSerializer.Deserialize(body, WireFormatJsonContext.Default.ProbeCompleted)!.Id.ToString()]
            : [];
    }

    private static async Task<long> CountAsync(string path)
    {
        try
        {
            return File.Exists(path) ? Convert.ToInt64(await ScalarAsync(path, "SELECT COUNT(*) FROM outbox WHERE type = 'ProbeCompleted'"), System.Globalization.CultureInfo.InvariantCulture) : 0;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 1)
        {
            return 0; // the agent has opened the file but not made its tables yet
        }
    }

    private static async Task<HashSet<string>> IdsAsync(string path)
    {
        await using var connection = await OpenAsync(path);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT message_id FROM outbox WHERE type = 'ProbeCompleted'";
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static async Task<object> ScalarAsync(string path, string sql)
    {
        await using var connection = await OpenAsync(path);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync())!;
    }

    private static async Task<SqliteConnection> OpenAsync(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }
}
