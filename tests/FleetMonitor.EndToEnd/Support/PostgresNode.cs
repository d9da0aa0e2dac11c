using System.Globalization;
using FleetMonitor.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FleetMonitor.EndToEnd.Support;

/// <summary>
/// A PostgreSQL server of the test's own (scripts/postgres-node.sh: initdb + pg_ctl in a temp folder, 127.0.0.1 on a
/// port of its own) with one migrated database, for tests that stop the database under load; the machine's main
/// server is never touched. Stopped and deleted on dispose.
/// </summary>
public sealed class PostgresNode : IAsyncDisposable
{
    private PostgresNode(string directory, int port)
    {
        Directory = directory;
        Port = port;
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=fleetmonitor;Password=fleetmonitor;Database=fleetmonitor;Timeout=5";
    }

    public string Directory { get; }

    public int Port { get; }

    public string ConnectionString { get; }

    public Database Database => new(StorageDialect.PostgreSql, ConnectionString);

    /// <summary>Starts a server on a random port (another one when it is taken) and migrates its database.</summary>
    public static async Task<PostgresNode> StartAsync()
    {
        var errors = new List<string>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var directory = Path.Combine(Path.GetTempPath(), $"fm-pg-{Guid.NewGuid():N}");
            var node = new PostgresNode(directory, Random.Shared.Next(20_000, 29_990));
            var (code, output) = await ScriptRunner.RunAsync("postgres-node.sh", "start", directory, node.Port.ToString(CultureInfo.InvariantCulture));
            if (code == 0)
            {
                DatabaseMigrator.Migrate(StorageDialect.PostgreSql, node.ConnectionString, NullLogger.Instance);
                return node;
            }

            errors.Add(output);
            await ScriptRunner.RunAsync("postgres-node.sh", "stop", directory);
            System.IO.Directory.Delete(directory, recursive: true);
        }

        throw new InvalidOperationException("A PostgreSQL server of the test's own did not start: " + string.Join(Environment.NewLine, errors));
    }

    /// <summary>Fast shutdown: open connections are closed, new ones refused, until <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync() => await ScriptRunner.RunAsync("postgres-node.sh", "stop", Directory);

    public async Task StartAgainAsync()
    {
        var (code, output) = await ScriptRunner.RunAsync("postgres-node.sh", "start", Directory, Port.ToString(CultureInfo.InvariantCulture));
        if (code != 0)
        {
            throw new InvalidOperationException("Restarting the test's PostgreSQL failed: " + output);
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ScriptRunner.RunAsync("postgres-node.sh", "stop", Directory);
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
