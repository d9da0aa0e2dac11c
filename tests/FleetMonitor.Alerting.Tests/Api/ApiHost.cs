using System.Net.Http.Headers;
using FleetMonitor.Api;
using FleetMonitor.Api.Access;
using FleetMonitor.Storage;
using FleetMonitor.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FleetMonitor.Alerting.Tests.Api;

/// <summary>The Api as its Program wires it, on a real database, listening on a loopback port of its own.</summary>
public sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiHost(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    public static async Task<ApiHost> StartAsync(TestDatabase database, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.Sources.Clear();
        var all = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = database.Dialect.ToString(),
            ["Storage:ConnectionString"] = database.ConnectionString,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(all);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults();
        builder.AddFleetMonitorApi();
        var app = builder.Build();
        app.MapServiceDefaults();
        app.MapFleetMonitorApi();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        // Every Api route needs a role: the tests call it as an admin, with an Api token stored as the Api stores one.
        var (id, secret, token) = ApiTokens.Generate();
        await app.Services.GetRequiredService<ApiTokenStore>()
            .CreateAsync(id, "alerting-tests", ApiTokens.Hash(secret), AccessRoles.Admin, "test-setup", CancellationToken.None);
        var client = new HttpClient { BaseAddress = address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new ApiHost(app, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
