using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace FleetMonitor.Bench.Dashboard;

/// <summary>
/// Open dashboards on the live stream (<c>/api/fleet/events</c>): each one, on a "changed" event, reloads what the
/// fleet page reloads at every change (the overview), as app.js does. A round changes one agent's state in the
/// database and measures, per dashboard, the time to the event and to the reloaded data.
/// </summary>
internal static class LiveDashboards
{
    public static async Task RunAsync(Func<HttpClient> client, BenchDatabase database, FleetShape shape, int dashboards, int rounds, Action<string> log)
    {
        var round = 0;
        var triggeredAt = 0L;
        var arrivals = new ConcurrentBag<(int Round, double EventMs, double RefreshedMs)>();
        var opened = new CountdownEvent(dashboards);
        using var stop = new CancellationTokenSource();
        var tasks = Enumerable.Range(0, dashboards).Select(_ => Task.Run(async () =>
        {
            using var http = client();
            using var response = await http.GetAsync("/api/fleet/events", HttpCompletionOption.ResponseHeadersRead, stop.Token);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
            var first = true;
            while (!stop.IsCancellationRequested && await reader.ReadLineAsync(stop.Token) is { } line)
            {
                if (line != "event: changed")
                {
                    continue;
                }

                if (first)
                {
                    first = false;
                    opened.Signal();
                    continue;
                }

                var current = Volatile.Read(ref round);
                var eventMs = Stopwatch.GetElapsedTime(Volatile.Read(ref triggeredAt)).TotalMilliseconds;
                // The breakdown is reloaded once a minute only (app.js), the overview at every change.
                await http.GetByteArrayAsync(DashboardRequests.Overview, stop.Token);
                arrivals.Add((current, eventMs, Stopwatch.GetElapsedTime(Volatile.Read(ref triggeredAt)).TotalMilliseconds));
            }
        })).ToList();

        if (!opened.Wait(TimeSpan.FromMinutes(5)))
        {
            throw new TimeoutException($"only {dashboards - opened.CurrentCount} of {dashboards} streams opened");
        }

        log($"{dashboards} dashboards on the live stream");
        for (var r = 1; r <= rounds; r++)
        {
            Volatile.Write(ref triggeredAt, Stopwatch.GetTimestamp());
            Volatile.Write(ref round, r);
            await using (var connection = await database.OpenAsync())
            {
                await using var command = new NpgsqlCommand(
                    "UPDATE endpoint_state SET outcome = CASE WHEN outcome = 'ok' THEN 'failed' ELSE 'ok' END, updated_at = now() WHERE agent_id = @Agent AND probe_id = 'tcp-sbc'",
                    connection);
                command.Parameters.AddWithValue("Agent", FleetShape.AgentId(r * 7));
                await command.ExecuteNonQueryAsync();
            }

            var deadline = Stopwatch.StartNew();
            while (arrivals.Count(a => a.Round == r) < dashboards && deadline.Elapsed < TimeSpan.FromMinutes(3))
            {
                await Task.Delay(50);
            }

            var mine = arrivals.Where(a => a.Round == r).ToList();
            log($"round {r}: {mine.Count}/{dashboards} dashboards got the event, event p95 {Timing.From([.. mine.Select(a => a.EventMs)], 0).P95:F0} ms, "
                + $"reloaded p95 {Timing.From([.. mine.Select(a => a.RefreshedMs)], 0).P95:F0} ms");
            await Task.Delay(TimeSpan.FromSeconds(3));
        }

        var all = arrivals.Where(a => a.Round >= 1).ToList();
        log($"live stream, {dashboards} dashboards × {rounds} changes: change → event {Timing.From([.. all.Select(a => a.EventMs)], 0)}");
        log($"live stream, {dashboards} dashboards × {rounds} changes: change → data reloaded {Timing.From([.. all.Select(a => a.RefreshedMs)], 0)}");
        await stop.CancelAsync();
        await Task.WhenAll(tasks.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
    }
}
