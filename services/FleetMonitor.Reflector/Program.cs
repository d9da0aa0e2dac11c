using FleetMonitor.Reflector;
using FleetMonitor.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.UseDefaultPort(5084);
var managementPort = builder.ListenForManagement();
builder.AddFleetMonitorReflector();

var app = builder.Build();

if (managementPort is { } port)
{
    app.ServeManagementOnlyOn(port);
}

app.MapServiceDefaults();
app.MapFleetMonitorReflector();

app.Run();
