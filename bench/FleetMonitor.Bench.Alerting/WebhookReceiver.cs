using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using FleetMonitor.Alerting.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FleetMonitor.Bench.Alerting;

/// <summary>A webhook receiver as a shop would run one: checks the signature, notes what arrived and when (Stopwatch ticks).</summary>
internal sealed class WebhookReceiver(WebApplication app) : IAsyncDisposable
{
    public ConcurrentQueue<Received> Notifications { get; } = new();

    public long BadSignatures;

    public Uri Address => new(app.Urls.First() + "/hook");

    public static async Task<WebhookReceiver> StartAsync(string secret)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            var at = Stopwatch.GetTimestamp();
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            var timestamp = request.Headers[WebhookNotifier.TimestampHeader].ToString();
            if (request.Headers[WebhookNotifier.SignatureHeader] != "sha256=" + WebhookNotifier.Sign(secret, timestamp, body))
            {
                Interlocked.Increment(ref receiver.BadSignatures);
                return Results.StatusCode(401);
            }

            var root = JsonDocument.Parse(body).RootElement;
            var alert = root.GetProperty("alert");
            receiver.Notifications.Enqueue(new Received(
                at, root.GetProperty("action").GetString()!, alert.GetProperty("alertname").GetString()!,
                alert.GetProperty("agent").GetString()!, alert.GetProperty("probe").GetString() ?? ""));
            return Results.Ok();
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    internal sealed record Received(long At, string Action, string Alertname, string Agent, string Probe);
}
