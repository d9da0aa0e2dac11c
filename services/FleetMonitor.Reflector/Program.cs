using FleetMonitor.Reflector;
using FleetMonitor.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFleetMonitorReflector();

var app = builder.Build();

app.MapServiceDefaults();
app.MapFleetMonitorReflector();

app.Run();
