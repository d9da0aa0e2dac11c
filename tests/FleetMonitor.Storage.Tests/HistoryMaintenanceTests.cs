using Dapper;
using FleetMonitor.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace FleetMonitor.Storage.Tests;

/// <summary>Retention on PostgreSQL: old partitions rolled up and dropped; roll-ups kept for their own, longer time.</summary>
public sealed class HistoryMaintenanceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task Partitions_past_the_retention_are_rolled_up_then_dropped_and_old_rollups_deleted()
    {
        await using var db = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        var time = new FakeTimeProvider(Now.AddDays(-100));
        var store = new ResultStore(db.Database, time);
        var maintenance = new HistoryMaintenance(db.Database, time);

        // 100 days ago (its partition made back then): 20 results in one hour, one failed, connect_ms 1..20.
        await maintenance.RunAsync(1, 1, TimeSpan.FromDays(90), TimeSpan.FromDays(730), CancellationToken.None);
        var oldHour = new DateTimeOffset(Now.AddDays(-100).UtcDateTime.Date.AddHours(9), TimeSpan.Zero);
        var old = Enumerable.Range(1, 20).Select(i => Results.Make(oldHour.AddMinutes(i), probeId: "pbx", outcome: i == 7 ? ProbeOutcome.Failed : ProbeOutcome.Ok)
            with { Measurements = new Dictionary<string, double> { ["connect_ms"] = i } }).ToList();
        await store.StoreBatchAsync(old, CancellationToken.None);

        // A roll-up row from three years ago, past Retention:RollupDays.
        await using (var connection = await db.Database.OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync(
                "INSERT INTO probe_rollups_hourly VALUES ('site-a', 'pbx', @Hour, 'tcp', 1, 1, 0, 0, 0)", new { Hour = Now.AddYears(-3) });
        }

        // Today: recent results stay.
        time.SetUtcNow(Now);
        await store.StoreBatchAsync([Results.Make(Now.AddMinutes(-10), probeId: "pbx")], CancellationToken.None);
        var outcome = await maintenance.RunAsync(1, 2, TimeSpan.FromDays(90), TimeSpan.FromDays(730), CancellationToken.None);

        Assert.Equal(3, outcome.PartitionsDropped); // that day, the day before and the day after, all made back then
        var partitions = await maintenance.ListPartitionsAsync(CancellationToken.None);
        Assert.DoesNotContain($"probe_results_p{oldHour:yyyyMMdd}", partitions);
        Assert.Contains($"probe_results_p{Now:yyyyMMdd}", partitions);
        Assert.Equal(1, await store.CountAsync(CancellationToken.None));

        await using var check = await db.Database.OpenAsync(CancellationToken.None);
        var rollup = await check.QuerySingleAsync<(long Results, long Ok, long Failed)>(
            "SELECT results, ok, failed FROM probe_rollups_hourly WHERE probe_id = 'pbx' AND hour = @Hour", new { Hour = oldHour });
        Assert.Equal((20L, 19L, 1L), rollup);
        var connect = await check.QuerySingleAsync<(long Samples, double Min, double Avg, double Max, double P95)>(
            "SELECT samples, min, avg, max, p95 FROM probe_measurement_rollups_hourly WHERE probe_id = 'pbx' AND hour = @Hour AND measurement = 'connect_ms'",
            new { Hour = oldHour });
        Assert.Equal(20, connect.Samples);
        Assert.Equal(1, connect.Min);
        Assert.Equal(10.5, connect.Avg, 6);
        Assert.Equal(20, connect.Max);
        Assert.Equal(19.05, connect.P95, 6);

        // The current hour is rolled up too; the three-year-old roll-up is gone.
        Assert.Equal(1, await check.ExecuteScalarAsync<long>(
            "SELECT results FROM probe_rollups_hourly WHERE probe_id = 'pbx' AND hour = date_trunc('hour', @Now::timestamptz)", new { Now = Now.AddMinutes(-10) }));
        Assert.Equal(0, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM probe_rollups_hourly WHERE hour < @Before", new { Before = Now.AddYears(-2) }));
        Assert.True(outcome.RollupsDeleted >= 1);
    }

    [Fact]
    public async Task A_second_run_makes_nothing_new()
    {
        await using var db = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        var time = new FakeTimeProvider(Now);
        var maintenance = new HistoryMaintenance(db.Database, time);
        var first = await maintenance.RunAsync(3, 1, TimeSpan.FromDays(90), TimeSpan.FromDays(730), CancellationToken.None);
        var again = await maintenance.RunAsync(3, 1, TimeSpan.FromDays(90), TimeSpan.FromDays(730), CancellationToken.None);
        Assert.Equal(5, first.PartitionsMade);
        Assert.Equal(0, again.PartitionsMade);
        Assert.False(again.Skipped);
    }
}
