using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FleetMonitor.Storage;

/// <summary>Registers the Alerting stores (policies, alerts, notifications, silences) beside the core storage.</summary>
public static class AlertingStorageExtensions
{
    public static IServiceCollection AddFleetMonitorAlertingStores(this IServiceCollection services)
    {
        services.AddFleetMonitorStorage();
        services.TryAddSingleton<PolicyStore>();
        services.TryAddSingleton<AlertStore>();
        services.TryAddSingleton<NotificationStore>();
        services.TryAddSingleton<SilenceStore>();
        services.TryAddSingleton<CorrelationStore>();
        return services;
    }
}
