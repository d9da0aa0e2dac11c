using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FleetMonitor.Storage.Tests;

/// <summary>
/// A fresh, migrated database per test: a temporary SQLite file, or a new PostgreSQL database on the server named by
/// FLEETMONITOR_TEST_POSTGRES (default: the local server that <c>scripts/services.sh</c> starts), dropped afterwards.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string DefaultPostgres = "Host=127.0.0.1;Port=5432;Username=fleetmonitor;Password=fleetmonitor;Database=postgres";

    private readonly string? _sqlitePath;
    private readonly string? _postgresName;

    private TestDatabase(StorageDialect dialect, string connectionString, string? sqlitePath, string? postgresName)
    {
        Dialect = dialect;
        ConnectionString = connectionString;
        _sqlitePath = sqlitePath;
        _postgresName = postgresName;
        Database = new Database(dialect, connectionString);
    }

    public StorageDialect Dialect { get; }

    public string ConnectionString { get; }

    public Database Database { get; }

    public static string PostgresServer => Environment.GetEnvironmentVariable("FLEETMONITOR_TEST_POSTGRES") ?? DefaultPostgres;

    /// <summary>
    /// The connection string with waits for a loaded machine (the test projects run side by side), which can take longer
    /// than Npgsql's 15 s to hand out a connection and its 30 s for a command: a test waits, it does not fail for it.
    /// </summary>
    private static NpgsqlConnectionStringBuilder Patient(string connectionString) =>
        new(connectionString) { Timeout = 60, CommandTimeout = 120 };

    public static async Task<TestDatabase> CreateAsync(StorageDialect dialect)
    {
        if (dialect == StorageDialect.Sqlite)
        {
            var path = Path.Combine(Path.GetTempPath(), $"fleetmonitor-test-{Guid.NewGuid():N}.db");
            var connectionString = $"Data Source={path}";
            DatabaseMigrator.Migrate(dialect, connectionString, NullLogger.Instance);
            return new TestDatabase(dialect, connectionString, path, null);
        }

        var name = $"fm_test_{Guid.NewGuid():N}";
        var builder = Patient(PostgresServer);
        try
        {
            await using var admin = new NpgsqlConnection(builder.ConnectionString);
            await admin.OpenAsync();
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException)
        {
            throw new InvalidOperationException(
                $"PostgreSQL is not reachable at {builder.Host}:{builder.Port} ({e.Message}). Start it with: bash scripts/services.sh", e);
        }

        builder.Database = name;
        DatabaseMigrator.Migrate(dialect, builder.ConnectionString, NullLogger.Instance);
        return new TestDatabase(dialect, builder.ConnectionString, null, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_sqlitePath is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(_sqlitePath + suffix);
            }
        }

        if (_postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(Patient(PostgresServer).ConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
