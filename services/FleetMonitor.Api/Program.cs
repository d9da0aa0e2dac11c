using FleetMonitor.Api;
using FleetMonitor.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.UseDefaultPort(5081);
builder.AddFleetMonitorApi();

var app = builder.Build();

app.MapServiceDefaults();
app.MapFleetMonitorApi();

app.Run();
