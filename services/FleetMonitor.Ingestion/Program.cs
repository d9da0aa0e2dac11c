using FleetMonitor.Ingestion;
using FleetMonitor.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

if (args is ["migrate", ..])
{
    return IngestionHostingExtensions.Migrate(builder.Configuration);
}

builder.AddServiceDefaults();
builder.UseDefaultPort(5082);
builder.AddFleetMonitorIngestion();
builder.AddFleetMonitorBus(IngestionHostingExtensions.AddConsumers);

var app = builder.Build();
app.MapServiceDefaults();
app.Run();
return 0;
