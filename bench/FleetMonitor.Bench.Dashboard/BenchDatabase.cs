using FleetMonitor.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FleetMonitor.Bench.Dashboard;

/// <summary>A PostgreSQL database of the benchmark's own on the local server, migrated as the services do, dropped afterwards.</summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private const string Postgres = "Host=127.0.0.1;Username=fleetmonitor;Password=fleetmonitor;Database=postgres";

    public string Name { get; } = $"fm_bench_dash_{Guid.NewGuid():N}";

    public string ConnectionString => new NpgsqlConnectionStringBuilder(Postgres) { Database = Name, MaxPoolSize = 40, CommandTimeout = 600 }.ConnectionString;

    public async Task CreateAsync()
    {
        // The migrator makes the database when it does not exist, as the services do at their first start.
        DatabaseMigrator.Migrate(StorageDialect.PostgreSql, ConnectionString, NullLogger.Instance);
    }

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task<long> SizeBytesAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(Postgres);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
