using Dapper;
using FleetMonitor.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace FleetMonitor.Storage.Tests;

/// <summary>
/// What the fleet overview reads instead of every agent and state: agent counts per site, the agents quiet since a moment
/// (through an index), the not-ok states' versions and an agent's not-ok states, and every site's policy in force.
/// </summary>
public sealed class FleetReadsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(StorageDialect.Sqlite)]
    [InlineData(StorageDialect.PostgreSql)]
    public async Task Agents_quiet_since_a_moment_are_judged_by_their_last_heartbeat_or_else_their_last_result(StorageDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var time = new FakeTimeProvider(T0);
        var agents = new AgentStore(db.Database, time);
        // Results stored at T0 make agents heard from at T0 (no heartbeat); heartbeats say when they were sent.
        await new ResultStore(db.Database, time).StoreBatchAsync(
            [Results.Make(T0, "result-only"), Results.Make(T0, "beat-old"), Results.Make(T0, "beat-new", siteId: "site-b")], CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(10));
        await agents.RecordHeartbeatAsync(Heartbeats.Make("beat-old", "site-a", T0.AddMinutes(2)), CancellationToken.None);
        await agents.RecordHeartbeatAsync(Heartbeats.Make("beat-new", "site-b", T0.AddMinutes(9)), CancellationToken.None);
        await agents.RecordHeartbeatAsync(Heartbeats.Make("beat-only", "site-b", T0.AddMinutes(5)), CancellationToken.None);

        Assert.Equal(["result-only"], (await agents.ListQuietAsync(T0.AddMinutes(1), CancellationToken.None)).Select(a => a.Id));
        Assert.Equal(["beat-old", "result-only"], (await agents.ListQuietAsync(T0.AddMinutes(5), CancellationToken.None)).Select(a => a.Id));
        Assert.Equal(["beat-old", "beat-only", "result-only"], (await agents.ListQuietAsync(T0.AddMinutes(9), CancellationToken.None)).Select(a => a.Id));
        Assert.Equal(4, (await agents.ListQuietAsync(T0.AddMinutes(10), CancellationToken.None)).Count);

        var counts = await agents.CountBySiteAsync(CancellationToken.None);
        Assert.Equal(["site-a 2", "site-b 2"], counts.OrderBy(c => c.SiteId, StringComparer.Ordinal).Select(c => $"{c.SiteId} {c.Agents}"));
    }

    [Theory]
    [InlineData(StorageDialect.Sqlite)]
    [InlineData(StorageDialect.PostgreSql)]
    public async Task Not_ok_states_are_listed_by_version_and_fetched_per_agent(StorageDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var time = new FakeTimeProvider(T0);
        var results = new ResultStore(db.Database, time);
        await results.StoreBatchAsync(
        [
            Results.Make(T0, "agent-a", outcome: ProbeOutcome.Failed, findings: "tcp.timeout"),
            Results.Make(T0, "agent-a", "media-rtp"),
            Results.Make(T0, "agent-b", outcome: ProbeOutcome.Degraded),
            Results.Make(T0, "agent-c", findings: "exposure.open.5060/udp"),
        ], CancellationToken.None);
        var states = new StateStore(db.Database);

        var before = await states.ListNotOkVersionsAsync(CancellationToken.None);
        Assert.Equal(["agent-a pbx-tcp", "agent-b pbx-tcp", "agent-c pbx-tcp"], before.Select(v => $"{v.AgentId} {v.ProbeId}").Order(StringComparer.Ordinal));

        // A newer result moves the version; one back to ok without findings drops out.
        time.Advance(TimeSpan.FromMinutes(1));
        await results.StoreBatchAsync(
            [Results.Make(T0.AddMinutes(1), "agent-a", outcome: ProbeOutcome.Failed, findings: "tcp.refused"), Results.Make(T0.AddMinutes(1), "agent-b")],
            CancellationToken.None);
        var after = (await states.ListNotOkVersionsAsync(CancellationToken.None)).ToDictionary(v => v.AgentId, v => v.UpdatedAt);
        Assert.Equal(["agent-a", "agent-c"], after.Keys.Order(StringComparer.Ordinal));
        Assert.True(after["agent-a"] > before.Single(v => v.AgentId == "agent-a").UpdatedAt);
        Assert.Equal(before.Single(v => v.AgentId == "agent-c").UpdatedAt, after["agent-c"]);

        var rows = await states.ListNotOkForAgentsAsync(["agent-a", "agent-b", "agent-none"], CancellationToken.None);
        var row = Assert.Single(rows);
        Assert.Equal(("agent-a", "pbx-tcp", "failed"), (row.AgentId, row.ProbeId, row.Outcome));
        Assert.Contains("tcp.refused", row.Findings, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StorageDialect.Sqlite)]
    [InlineData(StorageDialect.PostgreSql)]
    public async Task Every_sites_newest_policy_is_read_in_one_list(StorageDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var policies = new PolicyStore(db.Database, new FakeTimeProvider(T0));
        await policies.SaveAsync("site-a", """{"v":1}""", "admin", null, CancellationToken.None);
        await policies.SaveAsync("site-a", """{"v":2}""", "admin", null, CancellationToken.None);
        await policies.SaveAsync("site-b", """{"v":1}""", "admin", null, CancellationToken.None);

        var current = await policies.ListCurrentAsync(CancellationToken.None);

        Assert.Equal(["site-a 2", "site-b 1"], current.OrderBy(p => p.SiteId, StringComparer.Ordinal).Select(p => $"{p.SiteId} {p.Version}"));
    }

    [Fact]
    public async Task On_postgresql_quiet_agents_are_read_through_the_last_heard_index()
    {
        await using var db = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var connection = await db.Database.OpenAsync(CancellationToken.None);

        // With few rows a sequential scan is cheaper; forbidding it shows whether the index can serve the predicate at all.
        await connection.ExecuteAsync("SET enable_seqscan = off");
        var plan = string.Join('\n', await connection.QueryAsync<string>(
            "EXPLAIN SELECT id FROM agents WHERE COALESCE(last_heartbeat_at, last_seen_at) < now()"));

        Assert.Contains("agents_last_heard", plan, StringComparison.Ordinal);
    }
}
