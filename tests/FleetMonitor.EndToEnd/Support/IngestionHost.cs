using FleetMonitor.Ingestion;
using FleetMonitor.ServiceDefaults;
using FleetMonitor.Storage;
using FleetMonitor.Storage.Tests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FleetMonitor.EndToEnd.Support;

/// <summary>The Ingestion service, wired exactly as its Program.cs does, on a real broker and a real database.</summary>
public sealed class IngestionHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private IngestionHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<IngestionHost> StartAsync(RabbitMqVhost vhost, TestDatabase database, int? maxBatchSize = null)
    {
        var builder = WebApplication.CreateBuilder();
        // The test's folder holds the embedded server's appsettings.json: only these settings count.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = database.Dialect.ToString(),
            ["Storage:ConnectionString"] = database.ConnectionString,
            ["Bus:Transport"] = nameof(BusTransport.RabbitMq),
            ["Bus:Host"] = RabbitMqVhost.Host,
            ["Bus:VirtualHost"] = vhost.Name,
            ["Bus:Username"] = RabbitMqVhost.User,
            ["Bus:Password"] = RabbitMqVhost.Password,
            ["Ingestion:MaxBatchSize"] = (maxBatchSize ?? 500).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults();
        builder.AddFleetMonitorIngestion();
        builder.AddFleetMonitorBus(IngestionHostingExtensions.AddConsumers);

        var app = builder.Build();
        app.MapServiceDefaults();
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());

        // /health is healthy once the database answers and the bus has declared its endpoints and bindings.
        using var http = new HttpClient { BaseAddress = address };
        await Eventually.WaitAsync(
            async () => (await http.GetAsync("/health")).StatusCode,
            status => status == System.Net.HttpStatusCode.OK,
            TimeSpan.FromSeconds(60),
            "Ingestion reporting healthy");
        return new IngestionHost(app, address);
    }

    public ResultStore Results => _app.Services.GetRequiredService<ResultStore>();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
