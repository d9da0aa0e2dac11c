using FleetMonitor.Alerting;
using FleetMonitor.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFleetMonitorAlerting();
builder.AddFleetMonitorBus(bus => AlertingHostingExtensions.AddConsumers(bus, builder.Configuration));

var app = builder.Build();
app.MapServiceDefaults();
app.Run();
