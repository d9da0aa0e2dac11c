using FleetMonitor.Api;
using FleetMonitor.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFleetMonitorApi();

var app = builder.Build();

app.MapServiceDefaults();
app.MapFleetMonitorApi();

app.Run();
