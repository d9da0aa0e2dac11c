using FleetMonitor.Alerting;
using FleetMonitor.Bench.Ingestion;
using FleetMonitor.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FleetMonitor.Bench.Alerting;

/// <summary>The Alerting service in the benchmark's process, wired as its Program.cs does, paging one webhook.</summary>
internal static class BenchAlerting
{
    public static async Task<WebApplication> StartAsync(BenchEnvironment environment, Uri webhook, string secret)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSql",
            // A pool of its own, as the separate service has (the shared server allows 100 connections in all).
            ["Storage:ConnectionString"] = new NpgsqlConnectionStringBuilder(environment.ConnectionString) { ApplicationName = "fleetmonitor-alerting", MaxPoolSize = 40 }.ConnectionString,
            ["Bus:Transport"] = "RabbitMq",
            ["Bus:Host"] = BenchEnvironment.Host,
            ["Bus:VirtualHost"] = environment.Vhost,
            ["Bus:Username"] = BenchEnvironment.User,
            ["Bus:Password"] = BenchEnvironment.Password,
            ["Alerting:Webhook:Url"] = webhook.ToString(),
            ["Alerting:Webhook:Secret"] = secret,
            // Every bench agent reaches the same PBX target: correlation would make the regressions one grouped page.
            ["Alerting:GroupThreshold"] = "0",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults();
        builder.AddFleetMonitorAlerting();
        builder.AddFleetMonitorBus(bus => AlertingHostingExtensions.AddConsumers(bus, builder.Configuration));
        var app = builder.Build();
        app.MapServiceDefaults();
        await app.StartAsync();
        await BenchIngestion.WaitHealthyAsync(app, "Alerting");
        return app;
    }
}
