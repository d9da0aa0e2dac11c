using FleetMonitor.Api.Access;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;
using Microsoft.AspNetCore.Identity;
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

    /// <summary>Stores an Api token of <paramref name="role"/> as the Api would, and returns the token to send.</summary>
    public async Task<string> CreateTokenAsync(string name, string role)
    {
        var (id, secret, token) = ApiTokens.Generate();
        await new ApiTokenStore(Open(), TimeProvider.System).CreateAsync(id, name, ApiTokens.Hash(secret), role, "test-setup", CancellationToken.None);
        return token;
    }

    /// <summary>Stores a local user with the framework's password hasher, as <c>POST /api/users</c> would.</summary>
    public async Task CreateUserAsync(string name, string password, string role)
    {
        var hash = new PasswordHasher<UserRow>().HashPassword(new UserRow { Name = name, Role = role, CreatedAt = default }, password);
        Assert.True(await new UserStore(Open(), TimeProvider.System).CreateAsync(name, hash, role, CancellationToken.None), $"User {name} exists already");
    }

    public Database Open() => new(StorageDialect.Sqlite, ConnectionString);

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
