using Dapper;
using FleetMonitor.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace FleetMonitor.Storage.Tests;

/// <summary>
/// What triggers keep for the fleet view: each site's agent count (equal to a GROUP BY over agents after every kind of
/// write), the problem states' version (moved by every write of a state that may not be ok, and by nothing else), and
/// the quiet agents read in pages.
/// </summary>
public sealed class FleetCountersTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(StorageDialect.Sqlite)]
    [InlineData(StorageDialect.PostgreSql)]
    public async Task Kept_site_counts_equal_a_group_by_after_inserts_moves_heartbeats_and_deletes(StorageDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var time = new FakeTimeProvider(T0);
        var agents = new AgentStore(db.Database, time);
        var results = new ResultStore(db.Database, time);
        await using var connection = await db.Database.OpenAsync(CancellationToken.None);

        async Task AssertCountsMatch(params string[] expected)
        {
            var grouped = await connection.QueryAsync<(string SiteId, long Agents)>("SELECT site_id, COUNT(*) FROM agents GROUP BY site_id");
            var kept = await agents.CountBySiteAsync(CancellationToken.None);
            var keptText = kept.OrderBy(c => c.SiteId, StringComparer.Ordinal).Select(c => $"{c.SiteId} {c.Agents}").ToList();
            Assert.Equal(grouped.OrderBy(g => g.SiteId, StringComparer.Ordinal).Select(g => $"{g.SiteId} {g.Agents}"), keptText);
            Assert.Equal(expected, keptText);
        }

        await AssertCountsMatch();

        // New agents by results (one statement for the batch on PostgreSQL) and by heartbeats.
        await results.StoreBatchAsync(
        [
            Results.Make(T0, "a1"), Results.Make(T0, "a2"), Results.Make(T0, "a2", "media-rtp"), Results.Make(T0, "b1", siteId: "site-b"),
        ], CancellationToken.None);
        await agents.RecordHeartbeatAsync(Heartbeats.Make("c1", "site-c", T0), CancellationToken.None);
        await AssertCountsMatch("site-a 2", "site-b 1", "site-c 1");

        // Heartbeats and results that rewrite an agent's row without moving it change nothing.
        time.Advance(TimeSpan.FromMinutes(1));
        await agents.RecordHeartbeatAsync(Heartbeats.Make("a1", "site-a", T0.AddMinutes(1)), CancellationToken.None);
        await results.StoreBatchAsync([Results.Make(T0.AddMinutes(1), "b1", siteId: "site-b")], CancellationToken.None);
        await AssertCountsMatch("site-a 2", "site-b 1", "site-c 1");

        // Moves: by a heartbeat, by a result, by a plain UPDATE of several rows at once.
        await agents.RecordHeartbeatAsync(Heartbeats.Make("a1", "site-b", T0.AddMinutes(2)), CancellationToken.None);
        await results.StoreBatchAsync([Results.Make(T0.AddMinutes(2), "c1", siteId: "site-a")], CancellationToken.None);
        // site-c has no agent left: no tile count, as a GROUP BY has none.
        await AssertCountsMatch("site-a 2", "site-b 2");
        await connection.ExecuteAsync("UPDATE agents SET site_id = 'site-d' WHERE id IN ('a2', 'b1')");
        await AssertCountsMatch("site-a 1", "site-b 1", "site-d 2");

        // Deletes, one and several in a statement.
        await connection.ExecuteAsync("DELETE FROM agents WHERE id = 'a1'");
        await AssertCountsMatch("site-a 1", "site-d 2");
        // A site emptied and filled again.
        await agents.RecordHeartbeatAsync(Heartbeats.Make("c2", "site-c", T0.AddMinutes(3)), CancellationToken.None);
        await AssertCountsMatch("site-a 1", "site-c 1", "site-d 2");
        await connection.ExecuteAsync("DELETE FROM agents WHERE site_id = 'site-d'");
        await AssertCountsMatch("site-a 1", "site-c 1");
    }

    [Theory]
    [InlineData(StorageDialect.Sqlite)]
    [InlineData(StorageDialect.PostgreSql)]
    public async Task The_problem_version_moves_with_every_write_of_a_state_that_may_not_be_ok_and_with_nothing_else(StorageDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var time = new FakeTimeProvider(T0);
        var results = new ResultStore(db.Database, time);
        var states = new StateStore(db.Database);
        await using var connection = await db.Database.OpenAsync(CancellationToken.None);
        var version = await states.GetProblemVersionAsync(CancellationToken.None);

        async Task AssertMoved(bool moved, string what)
        {
            var now = await states.GetProblemVersionAsync(CancellationToken.None);
            Assert.True(moved ? now > version : now == version, $"{what}: the version went from {version} to {now}");
            version = now;
        }

        await results.StoreBatchAsync([Results.Make(T0, "a-ok"), Results.Make(T0, "b-ok", "media-rtp")], CancellationToken.None);
        await AssertMoved(false, "new ok states");
        await results.StoreBatchAsync([Results.Make(T0.AddMinutes(1), "a-ok")], CancellationToken.None);
        await AssertMoved(false, "an ok state rewritten as ok");
        await results.StoreBatchAsync([Results.Make(T0, "c-failed", outcome: ProbeOutcome.Failed)], CancellationToken.None);
        await AssertMoved(true, "a new failed state");
        await results.StoreBatchAsync([Results.Make(T0.AddMinutes(1), "c-failed", outcome: ProbeOutcome.Failed)], CancellationToken.None);
        await AssertMoved(true, "a failed state rewritten (new measurements, new update time)");
        await results.StoreBatchAsync([Results.Make(T0.AddMinutes(2), "a-ok", findings: "exposure.open.5060/udp")], CancellationToken.None);
        await AssertMoved(true, "an ok state given a finding");
        await results.StoreBatchAsync([Results.Make(T0.AddMinutes(3), "a-ok")], CancellationToken.None);
        await AssertMoved(true, "a state back to ok without findings");
        await results.StoreBatchAsync([Results.Make(T0.AddMinutes(4), "a-ok")], CancellationToken.None);
        await AssertMoved(false, "the same state rewritten as ok again");
        await connection.ExecuteAsync("DELETE FROM endpoint_state WHERE agent_id = 'b-ok'");
        await AssertMoved(false, "an ok state deleted");
        await connection.ExecuteAsync("DELETE FROM endpoint_state WHERE agent_id = 'c-failed'");
        await AssertMoved(true, "a failed state deleted");
    }

    [Theory]
    [InlineData(StorageDialect.Sqlite)]
    [InlineData(StorageDialect.PostgreSql)]
    public async Task Quiet_agents_read_in_pages_are_every_quiet_agent_once_even_with_equal_times(StorageDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var time = new FakeTimeProvider(T0);
        var agents = new AgentStore(db.Database, time);
        // Eleven agents heard from at the same moment (results), five by heartbeats a minute apart, two heard from lately.
        await new ResultStore(db.Database, time).StoreBatchAsync([.. Enumerable.Range(0, 11).Select(i => Results.Make(T0, $"same-{i:D2}"))], CancellationToken.None);
        for (var i = 0; i < 5; i++)
        {
            await agents.RecordHeartbeatAsync(Heartbeats.Make($"beat-{i}", "site-b", T0.AddMinutes(i + 1)), CancellationToken.None);
        }

        await agents.RecordHeartbeatAsync(Heartbeats.Make("late-1", "site-b", T0.AddMinutes(30)), CancellationToken.None);
        await agents.RecordHeartbeatAsync(Heartbeats.Make("late-2", "site-b", T0.AddMinutes(31)), CancellationToken.None);
        string[] expected = [.. Enumerable.Range(0, 5).Select(i => $"beat-{i}"), .. Enumerable.Range(0, 11).Select(i => $"same-{i:D2}")];

        foreach (var pageSize in new[] { 1, 2, 3, 4, 16, 1000 })
        {
            var quiet = await agents.ListQuietAsync(T0.AddMinutes(10), pageSize, CancellationToken.None);
            Assert.Equal(expected, quiet.Select(a => a.Id));
        }
    }

    [Fact]
    public async Task On_postgresql_a_page_of_quiet_agents_is_read_through_the_last_heard_index_even_when_all_are_quiet()
    {
        await using var db = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var connection = await db.Database.OpenAsync(CancellationToken.None);
        // 20,000 agents, all quiet by the statistics: a page must still be an index range, not a scan of the table.
        await connection.ExecuteAsync("""
            INSERT INTO agents (id, site_id, first_seen_at, last_seen_at, last_heartbeat_at)
            SELECT 'agent-' || g, 'site-' || (g % 20), now() - interval '1 day', now() - interval '1 day', now() - interval '1 day' + g * interval '1 second'
            FROM generate_series(1, 20000) AS g;
            ANALYZE agents;
            """);

        var plan = string.Join('\n', await connection.QueryAsync<string>("""
            EXPLAIN SELECT id FROM agents WHERE COALESCE(last_heartbeat_at, last_seen_at) < now()
            ORDER BY COALESCE(last_heartbeat_at, last_seen_at), id LIMIT 1000
            """));

        Assert.Contains("agents_last_heard", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", plan, StringComparison.Ordinal);
    }
}
