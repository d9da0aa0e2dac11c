using FleetMonitor.Alerting;
using FleetMonitor.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFleetMonitorAlerting();
builder.AddFleetMonitorBus(AlertingHostingExtensions.AddConsumers);

var app = builder.Build();
app.MapServiceDefaults();
app.Run();
