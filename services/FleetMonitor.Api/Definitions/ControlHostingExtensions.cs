using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FleetMonitor.Api.Definitions;

/// <summary>Registers the control plane's parts of the Api: options, the publisher to agents, the schedule-request responder.</summary>
internal static class ControlHostingExtensions
{
    public static IHostApplicationBuilder AddFleetMonitorControl(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ControlOptions>().BindConfiguration(ControlOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ControlPublisher>();
        builder.Services.AddSingleton<Templates.BuiltInTemplates>();
        builder.Services.AddHttpClient<Enrolment.BrokerAccounts>();
        builder.Services.AddHostedService<ScheduleRequestResponder>();
        return builder;
    }
}
