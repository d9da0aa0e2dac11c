using FleetMonitor.Alerting.Evaluation;
using FleetMonitor.Alerting.Notifications;
using FleetMonitor.Alerting.Offline;
using FleetMonitor.Alerting.Policies;
using FleetMonitor.Storage;
using MassTransit;
using Quartz;

namespace FleetMonitor.Alerting;

/// <summary>Wires Alerting into a host: stores, evaluation, notification channels, the dispatcher and the agent-offline job.</summary>
public static class AlertingHostingExtensions
{
    /// <summary>Registers Alerting's services. The bus is added by the host, with <see cref="AddConsumers"/>.</summary>
    public static IHostApplicationBuilder AddFleetMonitorAlerting(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AlertingOptions>().BindConfiguration(AlertingOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => string.IsNullOrEmpty(o.Email.Host) || (o.Email.From is not null && o.Email.To.Count > 0), "Alerting:Email needs From and at least one To when Host is set.")
            .ValidateOnStart();
        services.AddFleetMonitorAlertingStores();
        services.AddSingleton<AlertingMetrics>();
        services.AddSingleton<PolicyProvider>();
        services.AddSingleton<NotificationChannels>();
        services.AddSingleton<NotificationSignal>();
        services.AddSingleton<AlertLinks>();
        services.AddSingleton<AlertEvaluator>();
        services.AddSingleton<EvaluationBatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<EvaluationBatcher>());

        // Receivers' URLs can hold secrets (Slack, Teams): the client factory's request logging would print them.
        services.AddHttpClient<AlertmanagerNotifier>().RemoveAllLoggers();
        services.AddHttpClient<WebhookNotifier>().RemoveAllLoggers();
        services.AddSingleton<IAlertNotifier>(sp => sp.GetRequiredService<AlertmanagerNotifier>());
        services.AddSingleton<IAlertNotifier>(sp => sp.GetRequiredService<WebhookNotifier>());
        services.AddHttpClient<SlackNotifier>().RemoveAllLoggers();
        services.AddHttpClient<TeamsNotifier>().RemoveAllLoggers();
        services.AddHttpClient<PagerDutyNotifier>().RemoveAllLoggers();
        services.AddSingleton<IAlertNotifier>(sp => sp.GetRequiredService<SlackNotifier>());
        services.AddSingleton<IAlertNotifier>(sp => sp.GetRequiredService<TeamsNotifier>());
        services.AddSingleton<IAlertNotifier>(sp => sp.GetRequiredService<PagerDutyNotifier>());
        services.AddSingleton<IAlertNotifier, EmailNotifier>();
        services.AddSingleton<NotificationDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationDispatcher>());
        services.AddSingleton<AlertRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertRefresher>());

        var alerting = builder.Configuration.GetSection(AlertingOptions.SectionName).Get<AlertingOptions>() ?? new AlertingOptions();
        var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        services.AddQuartz(q =>
        {
            q.SchedulerName = "fleetmonitor-alerting";
            q.SchedulerId = "AUTO";
            if (alerting.ClusteredScheduler && storage.Provider == StorageDialect.PostgreSql)
            {
                q.UsePersistentStore(store =>
                {
                    store.UseProperties = true;
                    store.UsePostgres(storage.ConnectionString);
                    store.UseClustering(c => c.CheckinInterval = TimeSpan.FromSeconds(5));
                    store.UseSerializer<JobDataJsonSerializer>();
                });
            }

            var job = new JobKey("agent-offline", "alerting");
            q.AddJob<AgentOfflineJob>(j => j.WithIdentity(job).StoreDurably());
            q.AddTrigger(t => t.ForJob(job).WithIdentity("agent-offline", "alerting")
                .WithSimpleSchedule(s => s.WithInterval(alerting.OfflineCheckInterval).RepeatForever().WithMisfireHandlingInstructionNextWithRemainingCount()));
        });
        // The embedded server's agent runs Quartz too: one scheduler per container (AddQuartz adds to the same
        // options), started by one hosted service.
        if (!services.Any(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "QuartzHostedService"))
        {
            services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        }

        return builder;
    }

    /// <summary>Alerting's consumers, for the host's one MassTransit registration.</summary>
    public static void AddConsumers(IBusRegistrationConfigurator bus, IConfiguration configuration)
    {
        var options = configuration.GetSection(AlertingOptions.SectionName).Get<AlertingOptions>() ?? new AlertingOptions();
        bus.AddConsumer<StateChangedConsumer, StateChangedConsumerDefinition>();
        if (options.ConsumeResults)
        {
            bus.AddConsumer<ResultConsumer, ResultConsumerDefinition>();
            bus.AddConsumer<ResultBatchConsumer, ResultBatchConsumerDefinition>();
        }

        bus.AddReceiveObserver<RejectedMessageObserver>();
    }
}
