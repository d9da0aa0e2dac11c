using Npgsql;

namespace FleetMonitor.Bench.Dashboard;

/// <summary>Keeps the online agents online: their heartbeats, every 30 s as agents send them, in one UPDATE.</summary>
internal sealed class Heartbeats(BenchDatabase database) : IAsyncDisposable
{
    private CancellationTokenSource? running;
    private Task loop = Task.CompletedTask;

    public async Task BeatAsync()
    {
        await using var connection = await database.OpenAsync();
        await using var command = new NpgsqlCommand(
            "UPDATE agents SET last_heartbeat_at = now(), last_seen_at = now() WHERE last_heartbeat_at > now() - interval '10 minutes'", connection);
        await command.ExecuteNonQueryAsync();
    }

    public void Start()
    {
        running = new CancellationTokenSource();
        var token = running.Token;
        loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30));
            while (await timer.WaitForNextTickAsync(token))
            {
                await BeatAsync();
            }
        }, token);
    }

    public void Stop() => running?.Cancel();

    public async ValueTask DisposeAsync()
    {
        Stop();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }

        running?.Dispose();
    }
}
