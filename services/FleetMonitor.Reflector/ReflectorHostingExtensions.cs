using FleetMonitor.Reflector.Auth;
using FleetMonitor.Reflector.Echo;

namespace FleetMonitor.Reflector;

/// <summary>Wires the Reflector into a host: its options, metrics and the UDP echo.</summary>
public static class ReflectorHostingExtensions
{
    public static IHostApplicationBuilder AddFleetMonitorReflector(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EchoOptions>().BindConfiguration(EchoOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ReflectorMetrics>();
        builder.Services.AddOptions<AgentCredentialsOptions>().BindConfiguration(AgentCredentialsOptions.SectionName);
        builder.Services.AddSingleton<AgentCredentials>();
        builder.Services.AddSingleton<UdpEchoService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<UdpEchoService>());
        return builder;
    }
}
