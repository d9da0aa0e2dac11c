using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FleetMonitor.Alerting.Tests.Support;

/// <summary>An HTTP receiver on a loopback port of its own (port 0): records every request, answers <see cref="Status"/>.</summary>
public sealed class HttpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HttpReceiver(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>What the receiver answers; set 503 to play a receiver that is down.</summary>
    public int Status { get; set; } = StatusCodes.Status200OK;

    public static async Task<HttpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        HttpReceiver? receiver = null;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            receiver!.Requests.Enqueue(new ReceivedRequest(
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body));
            context.Response.StatusCode = receiver.Status;
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        receiver = new HttpReceiver(app, address);
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
