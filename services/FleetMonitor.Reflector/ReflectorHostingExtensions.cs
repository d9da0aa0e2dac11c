using FleetMonitor.Reflector.Auth;
using FleetMonitor.Reflector.Echo;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Reflector;

/// <summary>Wires the Reflector into a host: its options, metrics and the UDP echo.</summary>
public static class ReflectorHostingExtensions
{
    public static IHostApplicationBuilder AddFleetMonitorReflector(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<EchoOptions>().BindConfiguration(EchoOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ReflectorMetrics>();
        builder.Services.AddOptions<AgentCredentialsOptions>().BindConfiguration(AgentCredentialsOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AgentCredentialsOptions>, AgentCredentialsOptionsValidator>();
        builder.Services.AddSingleton<AgentCredentials>();
        builder.Services.AddHttpClient<ControlPlaneCredentialSource>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ControlPlaneCredentialSource>());
        builder.Services.AddSingleton<UdpEchoService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<UdpEchoService>());
        builder.Services.AddOptions<Stun.StunOptions>().BindConfiguration(Stun.StunOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<Stun.StunServer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Stun.StunServer>());
        builder.Services.AddOptions<Exposure.ExposureOptions>().BindConfiguration(Exposure.ExposureOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<Exposure.ConnectBackScanner>();
        builder.Services.AddSingleton<Exposure.ExposureScanHandler>();
        builder.Services.AddOptions<SipMirror.SipMirrorOptions>().BindConfiguration(SipMirror.SipMirrorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SipMirror.SipMirrorService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SipMirror.SipMirrorService>());
        return builder;
    }

    /// <summary>Maps the Reflector's HTTP endpoints (the connect-back scan).</summary>
    public static WebApplication MapFleetMonitorReflector(this WebApplication app)
    {
        Exposure.ExposureEndpoints.MapExposureScan(app);
        return app;
    }
}
