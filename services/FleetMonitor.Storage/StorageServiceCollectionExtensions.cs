using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FleetMonitor.Storage;

/// <summary>Registers the database and its stores.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>Idempotent: the embedded server hosts several services that each ask for storage.</summary>
    public static IServiceCollection AddFleetMonitorStorage(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(Database)))
        {
            return services;
        }

        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Database>();
        services.AddSingleton<ResultStore>();
        services.AddSingleton<StateChangeOutbox>();
        services.AddSingleton<HistoryMaintenance>();
        services.AddSingleton<SiteStore>();
        services.AddSingleton<AgentStore>();
        services.AddSingleton<StateStore>();
        services.AddSingleton<ScheduleStore>();
        services.AddSingleton<EnrolmentStore>();
        services.AddSingleton<TemplateStore>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<ApiTokenStore>();
        services.AddSingleton<AuditStore>();
        services.AddSingleton<FleetVersionStore>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        return services;
    }
}
