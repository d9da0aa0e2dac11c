using FleetMonitor.Reflector;
using FleetMonitor.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.UseDefaultPort(5084);
builder.AddFleetMonitorReflector();

var app = builder.Build();

app.MapServiceDefaults();
app.MapFleetMonitorReflector();

app.Run();
