using System.Net.Http.Headers;
using FleetMonitor.Api.Access;

namespace FleetMonitor.Api.Tests;

/// <summary>One seeded database with an Api token per role, and one in-memory Api host, shared by the tests of a class.</summary>
public sealed class ApiFixture : IAsyncLifetime, IDisposable
{
    private readonly Dictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private TestDatabase? _database;
    private ApiFactory? _factory;

    public ApiFactory Factory => _factory ?? throw new InvalidOperationException("The fixture is not initialised.");

    public TestDatabase Database => _database ?? throw new InvalidOperationException("The fixture is not initialised.");

    /// <summary>A client signed in with an Api token of <paramref name="role"/> (admin unless said otherwise).</summary>
    public HttpClient CreateClient(string role = AccessRoles.Admin)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(role));
        return client;
    }

    public HttpClient CreateAnonymousClient() => Factory.CreateClient(new() { AllowAutoRedirect = false });

    public string Token(string role) => _tokens[role];

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateSeededAsync();
        foreach (var role in AccessRoles.All)
        {
            _tokens[role] = await _database.CreateTokenAsync($"test-{role}", role);
        }

        _factory = new ApiFactory(_database);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _factory?.Dispose();
        _database?.Dispose();
    }
}
