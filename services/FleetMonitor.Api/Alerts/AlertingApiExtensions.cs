using FleetMonitor.Alerting;
using FleetMonitor.Alerting.Notifications;
using FleetMonitor.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FleetMonitor.Api.Alerts;

/// <summary>What the alert, policy and silence endpoints need: the Alerting stores, and the channels an acknowledge or resolve is sent to.</summary>
public static class AlertingApiExtensions
{
    public static IHostApplicationBuilder AddAlertingApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddFleetMonitorAlertingStores();
        builder.Services.AddOptions<AlertingOptions>().BindConfiguration(AlertingOptions.SectionName);
        builder.Services.TryAddSingleton<NotificationChannels>();
        return builder;
    }
}
