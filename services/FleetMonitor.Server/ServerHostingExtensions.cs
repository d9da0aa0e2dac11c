using FleetMonitor.Agent;
using FleetMonitor.Alerting;
using FleetMonitor.Agent.Publishing;
using FleetMonitor.Api;
using FleetMonitor.Ingestion;
using FleetMonitor.Reflector;
using FleetMonitor.ServiceDefaults;
using FleetMonitor.Storage;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Server;

/// <summary>Composes the embedded host from the services' own hosting extensions: Ingestion, Alerting, Api, Reflector and a local agent.</summary>
public static class ServerHostingExtensions
{
    public static WebApplicationBuilder AddFleetMonitorServer(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults();
        builder.AddFleetMonitorIngestion();
        builder.AddFleetMonitorApi();
        builder.AddFleetMonitorReflector();
        builder.AddFleetMonitorBus(bus =>
        {
            IngestionHostingExtensions.AddConsumers(bus);
            AlertingHostingExtensions.AddConsumers(bus, builder.Configuration);
        });
        builder.AddFleetMonitorAgent();
        builder.AddFleetMonitorAlerting();
        builder.Services.AddSingleton<IResultTransport, BusResultTransport>();
        return builder;
    }

    /// <summary>
    /// The embedded database is this process's own file, so it is migrated here, before anything reads it; the
    /// production services leave that to the separate <c>migrate</c> step.
    /// </summary>
    public static WebApplication MigrateEmbeddedDatabase(this WebApplication app)
    {
        var storage = app.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
        if (storage.Provider == StorageDialect.Sqlite)
        {
            var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(storage.ConnectionString);
            var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }
        }

        DatabaseMigrator.Migrate(storage.Provider, storage.ConnectionString, app.Logger);
        return app;
    }

    public static WebApplication MapFleetMonitorServer(this WebApplication app)
    {
        app.MapServiceDefaults();
        app.MapFleetMonitorApi();
        return app;
    }
}
