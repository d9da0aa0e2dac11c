using FleetMonitor.Ingestion;
using FleetMonitor.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace FleetMonitor.Bench.Ingestion;

/// <summary>The Ingestion service in the benchmark's process, wired as its Program.cs does, on the bench's vhost and database.</summary>
internal static class BenchIngestion
{
    /// <summary>Starts Ingestion; <paramref name="configure"/> may change the builder (e.g. logging) before it is built.</summary>
    public static async Task<WebApplication> StartAsync(BenchEnvironment environment, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSql",
            ["Storage:ConnectionString"] = environment.ConnectionString,
            ["Bus:Transport"] = "RabbitMq",
            ["Bus:Host"] = BenchEnvironment.Host,
            ["Bus:VirtualHost"] = environment.Vhost,
            ["Bus:Username"] = BenchEnvironment.User,
            ["Bus:Password"] = BenchEnvironment.Password,
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults();
        builder.AddFleetMonitorIngestion();
        builder.AddFleetMonitorBus(IngestionHostingExtensions.AddConsumers);
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapServiceDefaults();
        await app.StartAsync();

        // Healthy once the bus declared its endpoints and bound them to the agents' exchange.
        await WaitHealthyAsync(app, "Ingestion");
        return app;
    }

    /// <summary>Waits (up to a minute) until the started app's <c>/health</c> answers 200.</summary>
    public static async Task WaitHealthyAsync(WebApplication app, string name)
    {
        using var health = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var started = TimeProvider.System.GetTimestamp();
        while (!(await health.GetAsync("/health")).IsSuccessStatusCode)
        {
            if (TimeProvider.System.GetElapsedTime(started) > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"{name} did not report healthy");
            }

            await Task.Delay(200);
        }
    }
}
