using FleetMonitor.ServiceDefaults;

namespace FleetMonitor.Alerting;

// An explicit entry point in the service's namespace: a top-level Program would be a second global `Program` next to the
// Api's in any assembly that references both (the Api uses the alerting policies), and WebApplicationFactory<Program>
// could not tell them apart.
internal static class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        builder.AddServiceDefaults();
        builder.UseDefaultPort(5083);
        builder.AddFleetMonitorAlerting();
        builder.AddFleetMonitorBus(bus => AlertingHostingExtensions.AddConsumers(bus, builder.Configuration));

        var app = builder.Build();
        app.MapServiceDefaults();
        app.Run();
    }
}
