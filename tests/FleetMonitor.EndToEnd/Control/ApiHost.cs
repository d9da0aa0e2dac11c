using System.Net.Http.Headers;
using FleetMonitor.Api;
using FleetMonitor.Api.Access;
using FleetMonitor.Storage;
using FleetMonitor.EndToEnd.Support;
using FleetMonitor.ServiceDefaults;
using FleetMonitor.Storage.Tests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FleetMonitor.EndToEnd.Control;

/// <summary>The Api service wired as its Program.cs does, on a real port, the test's database, and the test's vhost for the control plane.</summary>
public sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Http = new HttpClient { BaseAddress = address };
    }

    public static string ManagementUri => Environment.GetEnvironmentVariable("FLEETMONITOR_TEST_RABBITMQ_MANAGEMENT") ?? $"http://{RabbitMqVhost.Host}:15672/";

    public Uri Address { get; }

    public HttpClient Http { get; }

    /// <summary>The admin Api token <see cref="Http"/> sends.</summary>
    public string AdminToken { get; private set; } = "";

    public IServiceProvider Services => _app.Services;

    public static async Task<ApiHost> StartAsync(RabbitMqVhost vhost, TestDatabase database)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = database.Dialect.ToString(),
            ["Storage:ConnectionString"] = database.ConnectionString,
            ["Control:BrokerUri"] = vhost.AmqpUri,
            ["Control:ManagementUri"] = ManagementUri,
            ["Control:ManagementUser"] = RabbitMqVhost.User,
            ["Control:ManagementPassword"] = RabbitMqVhost.Password,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults();
        builder.AddFleetMonitorApi();
        var app = builder.Build();
        app.MapServiceDefaults();
        app.MapFleetMonitorApi();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        var host = new ApiHost(app, address);

        // Every Api route but enrolment needs a role: the test acts as an admin with an Api token stored as the Api stores one.
        var (id, secret, token) = ApiTokens.Generate();
        await app.Services.GetRequiredService<ApiTokenStore>()
            .CreateAsync(id, "control-tests", ApiTokens.Hash(secret), AccessRoles.Admin, "test-setup", CancellationToken.None);
        host.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        host.AdminToken = token;
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
