using FleetMonitor.ServiceDefaults;

namespace FleetMonitor.Alerting;

// An explicit class in this namespace: the Api references this project, and its tests' WebApplicationFactory<Program> must see one global Program.
internal static class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        builder.AddFleetMonitorAlerting();
        builder.AddFleetMonitorBus(bus => AlertingHostingExtensions.AddConsumers(bus, builder.Configuration));

        var app = builder.Build();
        app.MapServiceDefaults();
        app.Run();
    }
}
