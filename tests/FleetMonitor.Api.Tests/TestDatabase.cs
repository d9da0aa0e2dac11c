using FleetMonitor.Contracts;
using FleetMonitor.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FleetMonitor.Api.Tests;

/// <summary>A migrated SQLite file in a temporary folder, seeded with <see cref="SeedData"/>; deleted on dispose.</summary>
public sealed class TestDatabase : IDisposable
{
    private readonly string _folder;

    private TestDatabase(string folder)
    {
        _folder = folder;
        ConnectionString = $"Data Source={Path.Combine(folder, "fleetmonitor.db")}";
    }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateSeededAsync(IReadOnlyList<ProbeCompleted>? extraResults = null)
    {
        var database = new TestDatabase(Directory.CreateTempSubdirectory("fleetmonitor-api-tests-").FullName);
        DatabaseMigrator.Migrate(StorageDialect.Sqlite, database.ConnectionString, NullLogger.Instance);
        var store = new ResultStore(new Database(StorageDialect.Sqlite, database.ConnectionString), new FakeTimeProvider(SeedData.Start.AddHours(1)));
        await store.StoreBatchAsync(SeedData.Results(), CancellationToken.None);
        if (extraResults is not null)
        {
            await store.StoreBatchAsync(extraResults, CancellationToken.None);
        }

        return database;
    }

    public void Dispose()
    {
        // Pooled SQLite connections keep the file open until the pool lets go of them.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is not worth failing a test for.
        }
    }
}
