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

    private IngestionHost(WebApplication app, Uri address, CapturedLog log)
    {
        _app = app;
        Address = address;
        Log = log;
    }

    public Uri Address { get; }

    /// <summary>The host's last log lines (Information and above).</summary>
    public CapturedLog Log { get; }

    public IServiceProvider Services => _app.Services;

    public static Task<IngestionHost> StartAsync(RabbitMqVhost vhost, TestDatabase database, int? maxBatchSize = null) =>
        StartAsync(vhost, database.Dialect, database.ConnectionString, maxBatchSize);

    public static async Task<IngestionHost> StartAsync(
        RabbitMqVhost vhost, StorageDialect dialect, string connectionString, int? maxBatchSize = null, IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder();
        // The test's folder holds the embedded server's appsettings.json: only these settings count.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = dialect.ToString(),
            ["Storage:ConnectionString"] = connectionString,
            ["Bus:Transport"] = nameof(BusTransport.RabbitMq),
            ["Bus:Host"] = RabbitMqVhost.Host,
            ["Bus:Port"] = vhost.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Bus:VirtualHost"] = vhost.Name,
            ["Bus:Username"] = RabbitMqVhost.User,
            ["Bus:Password"] = RabbitMqVhost.Password,
            ["Ingestion:MaxBatchSize"] = (maxBatchSize ?? 500).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var log = new CapturedLog();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        builder.Logging.AddFilter((provider, _, level) => provider == typeof(CapturedLog).FullName || level >= LogLevel.Warning);
        builder.Logging.AddProvider(log);
        builder.AddServiceDefaults();
        builder.AddFleetMonitorIngestion();
        builder.AddFleetMonitorBus(IngestionHostingExtensions.AddConsumers);

        var app = builder.Build();
        app.MapServiceDefaults();

        // Quartz keeps its log provider in a static: point it at this host's logger factory, not a stopped host's.
        Quartz.Logging.LogContext.SetCurrentLogProvider(app.Services.GetRequiredService<ILoggerFactory>());
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());

        // /health is healthy once the database answers and the bus has declared its endpoints and bindings.
        using var http = new HttpClient { BaseAddress = address };
        await Eventually.WaitAsync(
            async () => (await http.GetAsync("/health")).StatusCode,
            status => status == System.Net.HttpStatusCode.OK,
            TimeSpan.FromSeconds(120),
            "Ingestion reporting healthy");
        return new IngestionHost(app, address, log);
    }

    public ResultStore Results => _app.Services.GetRequiredService<ResultStore>();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
