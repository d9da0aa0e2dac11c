namespace FleetMonitor.Reflector;

/// <summary>
/// The Reflector faces the internet (agents post their exposure scans to it), so its <c>/metrics</c>, <c>/health</c>
/// and <c>/alive</c> are served on a management address of their own (<c>Reflector:ManagementUrl</c>, by default
/// <c>http://localhost:5085</c>) and answer 404 on every other address. An empty setting serves them on the public
/// address, as the other services do.
/// </summary>
public static class ManagementEndpoint
{
    public const string SettingKey = "Reflector:ManagementUrl";

    public const string DefaultUrl = "http://localhost:5085";

    private static readonly string[] Paths = ["/metrics", "/health", "/alive"];

    /// <summary>
    /// Adds the management address to the addresses the server listens on (<c>--urls</c>, <c>ASPNETCORE_URLS</c>,
    /// <c>ASPNETCORE_HTTP_PORTS</c>, or the default port already set); returns its port, or null when the setting is
    /// empty. With <c>Kestrel:Endpoints</c> in the configuration the addresses are the operator's: list the management
    /// address among them.
    /// </summary>
    /// <exception cref="InvalidOperationException">The setting is not an <c>http://host:port</c> address.</exception>
    public static int? ListenForManagement(this WebApplicationBuilder builder)
    {
        var url = builder.Configuration[SettingKey] ?? DefaultUrl;
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }

        // Kestrel's wildcard hosts (+, *) are not host names a Uri parses; only the port is read here.
        var parsable = url.Replace("://+:", "://localhost:", StringComparison.Ordinal).Replace("://*:", "://localhost:", StringComparison.Ordinal);
        if (!Uri.TryCreate(parsable, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.IsDefaultPort || uri.Port == 0
            || uri.AbsolutePath != "/")
        {
            throw new InvalidOperationException($"{SettingKey}: '{url}' is not an http://host:port address with a fixed port (or empty to serve /metrics and /health on the public address)");
        }

        if (!builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey);
            if (string.IsNullOrEmpty(urls))
            {
                urls = string.Join(';', (builder.Configuration["http_ports"] ?? "")
                    .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(port => $"http://*:{port}"));
            }

            builder.WebHost.UseUrls(string.IsNullOrEmpty(urls) ? url : $"{urls};{url}");
        }

        return uri.Port;
    }

    /// <summary>Answers 404 to <c>/metrics</c>, <c>/health</c> and <c>/alive</c> on any connection not made to <paramref name="port"/>.</summary>
    public static WebApplication ServeManagementOnlyOn(this WebApplication app, int port)
    {
        app.Use((context, next) =>
        {
            if (context.Connection.LocalPort != port && Paths.Any(path => context.Request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase)))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
        return app;
    }
}
