using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FleetMonitor.Api.Tests;

/// <summary>The Api's own Program, on a <see cref="TestDatabase"/>.</summary>
public sealed class ApiFactory(TestDatabase database) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:Provider", "Sqlite");
        builder.UseSetting("Storage:ConnectionString", database.ConnectionString);
    }
}
