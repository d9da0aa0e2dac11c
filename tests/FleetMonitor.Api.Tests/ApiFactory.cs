using FleetMonitor.Api.Access;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FleetMonitor.Api.Tests;

/// <summary>The Api's own Program, on a <see cref="TestDatabase"/>; no first admin is made unless a test asks for it.</summary>
/// <remarks>
/// The factory is named by a type of the Api's assembly rather than by <c>Program</c>: the Api references the Alerting
/// service, whose top-level statements make a public <c>Program</c> too.
/// </remarks>
public sealed class ApiFactory(TestDatabase database, IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<AuditLog>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:Provider", "Sqlite");
        builder.UseSetting("Storage:ConnectionString", database.ConnectionString);
        builder.UseSetting("Access:CreateFirstAdmin", "false");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
    }
}
