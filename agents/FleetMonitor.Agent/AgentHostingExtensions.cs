using FleetMonitor.Agent.Control;
using FleetMonitor.Agent.Hosting;
using FleetMonitor.Agent.Outbox;
using FleetMonitor.Agent.Publishing;
using FleetMonitor.Agent.Scheduling;
using FleetMonitor.Probes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace FleetMonitor.Agent;

/// <summary>Wires the agent into a host: options, probes, outbox, relay and the Quartz schedule.</summary>
public static class AgentHostingExtensions
{
    /// <summary>Registers the agent. The transport is added separately (RabbitMQ here, the in-process bus in the embedded server).</summary>
    public static IHostApplicationBuilder AddFleetMonitorAgent(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>();
        services.TryAddSingleton(sp => ProbeCatalog.CreateDefault(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ResultOutbox>();
        services.AddSingleton<AgentMessages>();
        services.AddSingleton<ProbeExecutor>();
        services.AddHostedService<OutboxRelay>();
        services.AddSingleton<AgentJobFactory>();
        services.AddSingleton<ISchedulerFactory, AgentSchedulerFactory>();
        services.AddTransient<ProbeJob>();
        services.AddTransient<HeartbeatJob>();
        services.AddHostedService<AgentSchedulerService>();
        services.AddHostedService<ScheduleRegistrar>();
        services.AddAgentControl();
        return builder;
    }

    /// <summary>Publishes through RabbitMQ.Client to the configured broker.</summary>
    public static IHostApplicationBuilder AddRabbitMqResultTransport(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IResultTransport, RabbitMqResultTransport>();
        return builder;
    }
}
