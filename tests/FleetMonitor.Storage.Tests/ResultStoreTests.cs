using FleetMonitor.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace FleetMonitor.Storage.Tests;

/// <summary>The store suite: every test runs on SQLite and on PostgreSQL.</summary>
public sealed class ResultStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(T0.AddMinutes(5));

    [Theory]
    [InlineData(StorageDialect.Sqlite)]
    [InlineData(StorageDialect.PostgreSql)]
    public async Task A_result_stored_twice_is_stored_once(StorageDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var store = new ResultStore(db.Database, _time);
        var batch = Enumerable.Range(0, 50).Select(i => Results.Make(T0.AddSeconds(i), agentId: $"agent-{i % 5}")).ToList();

        var first = await store.StoreBatchAsync(batch, CancellationToken.None);
        var again = await store.StoreBatchAsync(batch, CancellationToken.None);
        var withCopies = await store.StoreBatchAsync([.. batch.Take(10), .. batch.Take(10)], CancellationToken.None);

        Assert.Equal((50, 0), (first.Inserted, first.Duplicates));
        Assert.Equal((0, 50), (again.Inserted, again.Duplicates));
        Assert.Equal(0, withCopies.Inserted);
        Assert.Empty(again.Changes);
        Assert.Equal(50, await store.CountAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData(StorageDialect.Sqlite)]
    [InlineData(StorageDialect.PostgreSql)]
    public async Task State_changes_only_when_outcome_or_findings_change(StorageDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var store = new ResultStore(db.Database, _time);
        var states = new StateStore(db.Database);

        var first = await store.StoreBatchAsync([Results.Make(T0)], CancellationToken.None);
        var same = await store.StoreBatchAsync([Results.Make(T0.AddMinutes(1))], CancellationToken.None);
        var failed = await store.StoreBatchAsync([Results.Make(T0.AddMinutes(2), outcome: ProbeOutcome.Failed, findings: "tcp.refused")], CancellationToken.None);
        var otherFinding = await store.StoreBatchAsync([Results.Make(T0.AddMinutes(3), outcome: ProbeOutcome.Failed, findings: "tcp.timeout")], CancellationToken.None);

        var change = Assert.Single(first.Changes);
        Assert.Null(change.PreviousOutcome);
        Assert.Equal(ProbeOutcome.Ok, change.Outcome);
        Assert.Empty(same.Changes);
        var toFailed = Assert.Single(failed.Changes);
        Assert.Equal((ProbeOutcome.Ok, ProbeOutcome.Failed), (toFailed.PreviousOutcome!.Value, toFailed.Outcome));
        Assert.Equal(["tcp.refused"], toFailed.Findings);
        var findingChange = Assert.Single(otherFinding.Changes);
        Assert.Equal(["tcp.refused"], findingChange.PreviousFindings);
        Assert.Equal(["tcp.timeout"], findingChange.Findings);

        var state = Assert.Single(await states.ListForAgentAsync("agent-1", CancellationToken.None));
        Assert.Equal("failed", state.Outcome);
        Assert.Contains("tcp.timeout", state.Findings, StringComparison.Ordinal);
        Assert.Equal(T0.AddMinutes(3), state.LastStartedAt);
    }

    [Theory]
    [InlineData(StorageDialect.Sqlite)]
    [InlineData(StorageDialect.PostgreSql)]
    public async Task A_late_older_result_is_stored_but_does_not_move_the_state_back(StorageDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var store = new ResultStore(db.Database, _time);
        var states = new StateStore(db.Database);

        await store.StoreBatchAsync([Results.Make(T0.AddMinutes(2), outcome: ProbeOutcome.Ok)], CancellationToken.None);
        var late = await store.StoreBatchAsync([Results.Make(T0, outcome: ProbeOutcome.Failed, findings: "tcp.refused")], CancellationToken.None);

        Assert.Equal(1, late.Inserted);
        Assert.Empty(late.Changes);
        var state = Assert.Single(await states.ListAsync("site-a", CancellationToken.None));
        Assert.Equal("ok", state.Outcome);
        Assert.Equal(T0.AddMinutes(2), state.LastStartedAt);
    }

    [Theory]
    [InlineData(StorageDialect.Sqlite)]
    [InlineData(StorageDialect.PostgreSql)]
    public async Task Within_one_batch_the_newest_result_wins_and_the_net_change_is_reported(StorageDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var store = new ResultStore(db.Database, _time);
        await store.StoreBatchAsync([Results.Make(T0)], CancellationToken.None);

        // ok → failed → ok inside one batch: stored three times, no net change.
        var flap = await store.StoreBatchAsync(
            [Results.Make(T0.AddMinutes(2)), Results.Make(T0.AddMinutes(1), outcome: ProbeOutcome.Failed, findings: "tcp.refused")],
            CancellationToken.None);

        Assert.Equal(2, flap.Inserted);
        Assert.Empty(flap.Changes);
    }

    [Theory]
    [InlineData(StorageDialect.Sqlite)]
    [InlineData(StorageDialect.PostgreSql)]
    public async Task History_pages_newest_first_and_returns_every_result_once(StorageDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var store = new ResultStore(db.Database, _time);
        var batch = Enumerable.Range(0, 23).Select(i => Results.Make(T0.AddSeconds(i))).ToList();
        await store.StoreBatchAsync(batch, CancellationToken.None);
        await store.StoreBatchAsync([Results.Make(T0, probeId: "other")], CancellationToken.None);

        var seen = new List<Guid>();
        Guid? before = null;
        while (true)
        {
            var page = await store.GetHistoryAsync("agent-1", "pbx-tcp", before, 10, CancellationToken.None);
            seen.AddRange(page.Select(r => r.Id));
            if (page.Count < 10)
            {
                break;
            }

            before = page[^1].Id;
        }

        Assert.Equal(batch.Select(r => r.Id).Reverse(), seen);
        var newest = (await store.GetHistoryAsync("agent-1", "pbx-tcp", null, 1, CancellationToken.None))[0];
        Assert.Equal(T0.AddSeconds(22), newest.StartedAt);
        Assert.Equal("ok", newest.Outcome);
        Assert.Contains("connect_ms", newest.Measurements, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StorageDialect.Sqlite)]
    [InlineData(StorageDialect.PostgreSql)]
    public async Task Results_record_their_agents_and_sites(StorageDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var store = new ResultStore(db.Database, _time);
        await store.StoreBatchAsync([Results.Make(T0, agentId: "a1", siteId: "s1"), Results.Make(T0, agentId: "a2", siteId: "s2")], CancellationToken.None);

        var agents = await new AgentStore(db.Database, _time).ListAsync(null, CancellationToken.None);
        var sites = await new SiteStore(db.Database, _time).ListAsync(CancellationToken.None);

        Assert.Equal(["a1", "a2"], agents.Select(a => a.Id));
        Assert.Equal("s2", agents[1].SiteId);
        Assert.Equal(_time.GetUtcNow(), agents[0].LastSeenAt);
        Assert.Equal(["s1", "s2"], sites.Select(s => s.Id));
    }

    [Fact]
    public async Task PostgreSql_keeps_one_partition_per_day_made_by_maintenance_and_a_default_until_then()
    {
        await using var db = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        var store = new ResultStore(db.Database, _time);
        await store.StoreBatchAsync([Results.Make(T0), Results.Make(T0.AddDays(-1)), Results.Make(T0.AddDays(-1).AddHours(1))], CancellationToken.None);
        Assert.Equal([("probe_results_default", 3L)], await PartitionsAsync(db));

        // The maintenance job makes yesterday's to tomorrow's partitions and moves the waiting rows into them.
        var outcome = await new HistoryMaintenance(db.Database, _time).RunAsync(1, 2, TimeSpan.FromDays(90), TimeSpan.FromDays(730), CancellationToken.None);
        Assert.Equal(3, outcome.PartitionsMade);
        Assert.Equal(3, outcome.RowsMoved);
        Assert.Equal(
            [("probe_results_default", 0L), ("probe_results_p20261122", 2L), ("probe_results_p20261123", 1L), ("probe_results_p20261124", 0L)],
            await PartitionsAsync(db));

        // A row for a day with a partition goes straight there.
        await store.StoreBatchAsync([Results.Make(T0.AddHours(20))], CancellationToken.None);
        Assert.Contains(("probe_results_p20261124", 1L), await PartitionsAsync(db));
    }

    private static async Task<List<(string, long)>> PartitionsAsync(TestDatabase db)
    {

        await using var connection = await db.Database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT c.relname, (SELECT COUNT(*) FROM probe_results r WHERE r.tableoid = c.oid)
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'probe_results'::regclass ORDER BY c.relname
            """;
        var partitions = new List<(string, long)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                partitions.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        return partitions;
    }
}
