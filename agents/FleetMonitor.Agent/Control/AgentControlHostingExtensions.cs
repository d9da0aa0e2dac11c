using FleetMonitor.Agent.Scheduling;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FleetMonitor.Agent.Control;

/// <summary>Registers the running schedule's state, the schedule applier and the control channel (idle unless <c>Agent:Control:Enabled</c>).</summary>
public static class AgentControlHostingExtensions
{
    public static IServiceCollection AddAgentControl(this IServiceCollection services)
    {
        services.TryAddSingleton<ActiveProbes>();
        services.TryAddSingleton<ScheduleStatus>();
        services.TryAddSingleton<ScheduleApplier>();
        services.TryAddSingleton<ScheduleCache>();
        services.AddHostedService<AgentControlService>();
        return services;
    }
}
