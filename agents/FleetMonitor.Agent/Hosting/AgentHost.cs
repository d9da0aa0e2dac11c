using FleetMonitor.Agent.Cli;

namespace FleetMonitor.Agent.Hosting;

/// <summary>The agent's host: its configuration sources only, console or journal logging, systemd or Windows service lifetime.</summary>
internal static class AgentHost
{
    public static IHost Build(string? configPath)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "fleetmonitor-agent",
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        AgentConfiguration.AddSources(builder.Configuration, configPath);

        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Quartz", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);

        // Readiness notification and journal-friendly logs under systemd; service control under Windows. Each does
        // nothing when the process does not run under that service manager.
        builder.Services.AddSystemd();
        builder.Services.AddWindowsService(o => o.ServiceName = "FleetMonitorAgent");

        builder.AddFleetMonitorAgent();
        builder.AddRabbitMqResultTransport();
        return builder.Build();
    }
}
