namespace FleetMonitor.Api.Tests;

/// <summary>One seeded database and one in-memory Api host, shared by the tests of a class.</summary>
public sealed class ApiFixture : IAsyncLifetime, IDisposable
{
    private TestDatabase? _database;
    private ApiFactory? _factory;

    public ApiFactory Factory => _factory ?? throw new InvalidOperationException("The fixture is not initialised.");

    public HttpClient CreateClient() => Factory.CreateClient();

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateSeededAsync();
        _factory = new ApiFactory(_database);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _factory?.Dispose();
        _database?.Dispose();
    }
}
