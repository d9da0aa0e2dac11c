using Dapper;
using FleetMonitor.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace FleetMonitor.Storage.Tests;

/// <summary>
/// The fleet's version, which live dashboards compare: it moves with what the fleet view shows (a state that may not be
/// ok, an agent added or moved, a site added, an agent going quiet or heard from again) and stands still for what it
/// does not show (heartbeats of agents that are heard from, ok results rewritten as ok).
/// </summary>
public sealed class FleetVersionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Quiet = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData(StorageDialect.Sqlite)]
    [InlineData(StorageDialect.PostgreSql)]
    public async Task The_version_moves_with_what_the_fleet_view_shows_and_with_nothing_else(StorageDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var time = new FakeTimeProvider(T0);
        var agents = new AgentStore(db.Database, time);
        var results = new ResultStore(db.Database, time);
        var versions = new FleetVersionStore(db.Database);
        Task<string> ReadAsync() => versions.GetAsync(time.GetUtcNow() - Quiet, CancellationToken.None);

        await results.StoreBatchAsync([Results.Make(T0, "a1"), Results.Make(T0, "a2"), Results.Make(T0, "b1", siteId: "site-b")], CancellationToken.None);
        await agents.RecordHeartbeatAsync(Heartbeats.Make("a1", "site-a", T0), CancellationToken.None);
        await agents.RecordHeartbeatAsync(Heartbeats.Make("a2", "site-a", T0), CancellationToken.None);
        await agents.RecordHeartbeatAsync(Heartbeats.Make("b1", "site-b", T0), CancellationToken.None);
        var version = await ReadAsync();
        Assert.Equal(version, await ReadAsync());

        async Task AssertMovedAsync(string what)
        {
            var now = await ReadAsync();
            Assert.True(now != version, $"the version did not move: {what}");
            version = now;
        }

        async Task AssertStillAsync(string what) => Assert.True(await ReadAsync() == version, $"the version moved: {what}");

        // Heard from, and ok rewritten as ok: nothing the fleet view shows.
        time.Advance(TimeSpan.FromMinutes(1));
        await agents.RecordHeartbeatAsync(Heartbeats.Make("a1", "site-a", time.GetUtcNow()), CancellationToken.None);
        await results.StoreBatchAsync([Results.Make(time.GetUtcNow(), "a1")], CancellationToken.None);
        await AssertStillAsync("a heartbeat and an ok result");

        await results.StoreBatchAsync([Results.Make(time.GetUtcNow(), "a2", outcome: ProbeOutcome.Failed)], CancellationToken.None);
        await AssertMovedAsync("a state failed");
        // Each write below is a newer one than the last, as the stores keep only the newest state and heartbeat.
        time.Advance(TimeSpan.FromSeconds(1));
        await results.StoreBatchAsync([Results.Make(time.GetUtcNow(), "a2")], CancellationToken.None);
        await AssertMovedAsync("a failed state ok again");

        await agents.RecordHeartbeatAsync(Heartbeats.Make("c1", "site-c", time.GetUtcNow()), CancellationToken.None);
        await AssertMovedAsync("an agent and its site added");
        time.Advance(TimeSpan.FromSeconds(1));
        await agents.RecordHeartbeatAsync(Heartbeats.Make("c1", "site-b", time.GetUtcNow()), CancellationToken.None);
        await AssertMovedAsync("an agent moved to another site");

        // Time alone: a2 and b1, last heard at T0, are quiet past the cut-off, three minutes back; a1 and c1 are not.
        time.Advance(TimeSpan.FromMinutes(2));
        await AssertMovedAsync("two agents went quiet");
        await AssertStillAsync("nothing happened");
        await agents.RecordHeartbeatAsync(Heartbeats.Make("b1", "site-b", time.GetUtcNow()), CancellationToken.None);
        await AssertMovedAsync("a quiet agent was heard from");

        await using var connection = await db.Database.OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync("DELETE FROM agents WHERE id = 'c1'");
        await AssertMovedAsync("an agent deleted");
    }
}
