using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FleetMonitor.Storage;

/// <summary>Opens connections to the configured database and knows its dialect.</summary>
public sealed class Database
{
    private readonly NpgsqlDataSource? _postgres;
    private readonly string _connectionString;

    public Database(IOptions<StorageOptions> options)
        : this(options.Value.Provider, options.Value.ConnectionString)
    {
    }

    public Database(StorageDialect dialect, string connectionString)
    {
        DapperTypeHandlers.Register();
        Dialect = dialect;
        _connectionString = connectionString;
        if (dialect == StorageDialect.PostgreSql)
        {
            _postgres = NpgsqlDataSource.Create(connectionString);
        }
    }

    public StorageDialect Dialect { get; }

    public string ConnectionString => _connectionString;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // Readers (the Api) and the writer (Ingestion) share the file: wait for a lock instead of failing.
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
