using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace FleetMonitor.ServiceDefaults;

/// <summary>Logging, health checks, Prometheus metrics and the clock, shared by every service.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Tag of the health checks that only say the process is alive.</summary>
    public const string LiveTag = "live";

    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.Services.AddProblemDetails();
        // Sends .NET's own meters (HTTP, runtime) to the same /metrics page, but not the runtime's private diagnostic
        // meters (Private.InternalDiagnostics.System.Net.Quic and the like): noise nobody graphs.
        Metrics.ConfigureMeterAdapter(o => o.InstrumentFilterPredicate = instrument => IsPublicMeter(instrument.Meter.Name));
        builder.Services.AddMetrics();
        return builder;
    }

    /// <summary>
    /// Listens on <c>http://localhost:<paramref name="port"/></c>, each service its own port, unless addresses were
    /// given (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>ASPNETCORE_HTTP_PORTS</c> as in the container images, or
    /// <c>Kestrel:Endpoints</c>). Ports: embedded server 5080, Api 5081, Ingestion 5082, Alerting 5083, Reflector 5084.
    /// </summary>
    public static WebApplicationBuilder UseDefaultPort(this WebApplicationBuilder builder, int port)
    {
        var configuration = builder.Configuration;
        if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["http_ports"])
            && string.IsNullOrEmpty(configuration["https_ports"]) && !configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls($"http://localhost:{port}");
        }

        return builder;
    }

    /// <summary>False for the runtime's private diagnostic meters, which <c>/metrics</c> leaves out.</summary>
    public static bool IsPublicMeter(string meterName) => !meterName.StartsWith("Private.InternalDiagnostics.", StringComparison.Ordinal);

    /// <summary>Maps <c>/metrics</c>, <c>/health</c> (everything, the broker and database included) and <c>/alive</c> (the process only).</summary>
    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.UseHttpMetrics();
        // Open to Prometheus and load balancers in a host that requires sign-in elsewhere (the Api).
        app.MapMetrics("/metrics").AllowAnonymous();
        app.MapHealthChecks("/health").AllowAnonymous();
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) }).AllowAnonymous();
        return app;
    }
}
