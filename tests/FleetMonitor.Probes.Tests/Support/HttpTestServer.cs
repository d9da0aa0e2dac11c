using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FleetMonitor.Probes.Tests.Support;

/// <summary>
/// Kestrel on 127.0.0.1 and a port of its choosing, over HTTP or HTTPS: <c>/ok</c> answers "hello", <c>/status/N</c>
/// answers N, <c>/redirect/N</c> redirects N times before answering.
/// </summary>
internal sealed class HttpTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HttpTestServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<HttpTestServer> StartAsync(X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
                listen.UseHttps(certificate);
        }));

        var app = builder.Build();
        app.MapGet("/ok", () => "hello");
        app.MapGet("/status/{code:int}", (int code) => Results.StatusCode(code));
        app.MapGet("/redirect/{count:int}", (int count) =>
            count > 0 ? Results.Redirect($"/redirect/{count - 1}") : Results.Text("arrived"));
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new HttpTestServer(app, new Uri(address).Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
