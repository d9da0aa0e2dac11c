using Microsoft.Extensions.DependencyInjection;

namespace FleetMonitor.Storage;

/// <summary>Registers the database and its stores.</summary>
public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddFleetMonitorStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Database>();
        services.AddSingleton<ResultStore>();
        services.AddSingleton<SiteStore>();
        services.AddSingleton<AgentStore>();
        services.AddSingleton<StateStore>();
        services.AddSingleton(TimeProvider.System);
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        return services;
    }
}
