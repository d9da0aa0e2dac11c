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
    public static async Task<WebApplication> StartAsync(BenchEnvironment environment)
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
        var app = builder.Build();
        app.MapServiceDefaults();
        await app.StartAsync();
        using var health = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        // Healthy once the bus declared its endpoints and bound them to the agents' exchange.
        var deadline = TimeProvider.System.GetTimestamp();
        while (!(await health.GetAsync("/health")).IsSuccessStatusCode)
        {
            if (TimeProvider.System.GetElapsedTime(deadline) > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("Ingestion did not report healthy");
            }

            await Task.Delay(200);
        }

        return app;
    }
}
