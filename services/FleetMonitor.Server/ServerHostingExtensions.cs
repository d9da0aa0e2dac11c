using System.Security.Cryptography;
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

/// <summary>Composes the embedded host from the services' own hosting extensions: Ingestion, Alerting, Api, Reflector (echo, STUN, SIP mirror, exposure scan) and a local agent.</summary>
public static class ServerHostingExtensions
{
    public static WebApplicationBuilder AddFleetMonitorServer(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults();
        AddLocalAgentCredential(builder.Configuration);
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
        app.MapFleetMonitorReflector();
        return app;
    }

    /// <summary>
    /// The local agent's credential for the embedded Reflector (its nat and exposure probes), new at every start unless
    /// <c>Agent:Reflector:Password</c> is configured: no password is shipped in the settings.
    /// </summary>
    private static void AddLocalAgentCredential(ConfigurationManager configuration)
    {
        if (!string.IsNullOrEmpty(configuration["Agent:Reflector:Password"]))
            return;
        var username = configuration["Agent:AgentId"] is { Length: > 0 } agentId ? agentId : "local-agent";
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var index = configuration.GetSection("Reflector:Agents:Credentials").GetChildren().Count();
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:Reflector:Username"] = username,
            ["Agent:Reflector:Password"] = password,
            [$"Reflector:Agents:Credentials:{index}:Username"] = username,
            [$"Reflector:Agents:Credentials:{index}:Password"] = password,
        });
    }
}
