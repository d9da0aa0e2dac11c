using FleetMonitor.Server;

var builder = WebApplication.CreateBuilder(args);
builder.AddFleetMonitorServer();

var app = builder.Build();
app.MigrateEmbeddedDatabase();
app.MapFleetMonitorServer();
app.Run();
