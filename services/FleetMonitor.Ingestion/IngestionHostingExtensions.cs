using FleetMonitor.Ingestion.Heartbeats;
using FleetMonitor.Ingestion.Identity;
using FleetMonitor.Ingestion.Results;
using FleetMonitor.Storage;
using MassTransit;
using Microsoft.Extensions.Options;
using Quartz;

namespace FleetMonitor.Ingestion;

/// <summary>Wires Ingestion into a host: storage, the batch writer, metrics, and its consumers.</summary>
public static class IngestionHostingExtensions
{
    /// <summary>Registers Ingestion's services. The bus is added by the host, with <see cref="AddConsumers"/>.</summary>
    public static IHostApplicationBuilder AddFleetMonitorIngestion(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddFleetMonitorStorage();
        builder.Services.AddSingleton<IngestionMetrics>();
        builder.Services.AddOptions<AgentIdentityOptions>().BindConfiguration(AgentIdentityOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<AgentIdentityCheck>();
        builder.Services.AddSingleton<ResultBatchWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ResultBatchWriter>());
        builder.Services.AddSingleton<AlertingQueueDeclaration>();
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var interval = builder.Configuration.GetSection(RetentionOptions.SectionName).Get<RetentionOptions>()?.Interval ?? new RetentionOptions().Interval;
        builder.Services.AddQuartz(q => q
            .AddJob<HistoryMaintenanceJob>(j => j.WithIdentity(HistoryMaintenanceJob.Key))
            .AddTrigger(t => t.ForJob(HistoryMaintenanceJob.Key).StartNow().WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever())));
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        builder.Services.AddSingleton<StateChangeRelay>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StateChangeRelay>());
        builder.Services.AddOptions<MassTransitHostOptions>().Configure<IOptions<IngestionOptions>>((host, ingestion) =>
        {
            // A receive endpoint whose connection dropped restarts after at most this long, even when a delivery in
            // flight never ends; the cancelled deliveries go back to the queue.
            host.ConsumerStopTimeout = ingestion.Value.ConsumerStopTimeout;
            host.StopTimeout = ingestion.Value.ConsumerStopTimeout + TimeSpan.FromSeconds(5);
        });
        return builder;
    }

    /// <summary>Ingestion's consumers and observer, for the host's one MassTransit registration.</summary>
    public static void AddConsumers(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ProbeCompletedConsumer, ProbeCompletedConsumerDefinition>();
        bus.AddConsumer<ProbeResultsBatchedConsumer, ProbeResultsBatchedConsumerDefinition>();
        bus.AddConsumer<AgentHeartbeatConsumer, AgentHeartbeatConsumerDefinition>();
        bus.AddConsumer<AgentScheduleStatusConsumer, AgentScheduleStatusConsumerDefinition>();
        bus.AddReceiveObserver<RejectedMessageObserver>();
    }

    /// <summary>The <c>migrate</c> step: applies the SQL migrations to the configured database, then exits.</summary>
    public static int Migrate(IConfiguration configuration)
    {
        var options = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        var logger = loggerFactory.CreateLogger("FleetMonitor.Migrate");
        try
        {
            DatabaseMigrator.Migrate(options.Provider, options.ConnectionString, logger);
            logger.LogInformation("{Provider} database is up to date", options.Provider);
            return 0;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Migration failed");
            return 1;
        }
    }
}
