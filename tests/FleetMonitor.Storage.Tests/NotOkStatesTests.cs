using Dapper;
using FleetMonitor.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace FleetMonitor.Storage.Tests;

/// <summary>The states the fleet view classifies: all but the ok ones without findings, read through a partial index.</summary>
public sealed class NotOkStatesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(StorageDialect.Sqlite)]
    [InlineData(StorageDialect.PostgreSql)]
    public async Task Every_state_but_an_ok_one_without_findings_is_listed(StorageDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var store = new ResultStore(db.Database, new FakeTimeProvider(T0.AddMinutes(5)));
        await store.StoreBatchAsync(
        [
            Results.Make(T0, "agent-ok"),
            Results.Make(T0, "agent-ok", "media-rtp"),
            Results.Make(T0, "agent-failed", outcome: ProbeOutcome.Failed, findings: "tcp.timeout"),
            Results.Make(T0, "agent-ok-with-finding", findings: "exposure.open.5060/udp"),
            Results.Make(T0, "agent-degraded", outcome: ProbeOutcome.Degraded),
            Results.Make(T0, "agent-error", outcome: ProbeOutcome.Error),
            Results.Make(T0, "agent-was-failed", outcome: ProbeOutcome.Failed, findings: "tcp.timeout"),
        ], CancellationToken.None);
        // Back to ok without findings: no longer listed.
        await store.StoreBatchAsync([Results.Make(T0.AddMinutes(1), "agent-was-failed")], CancellationToken.None);

        var rows = await new StateStore(db.Database).ListNotOkAsync(CancellationToken.None);

        Assert.Equal(["agent-degraded degraded", "agent-error error", "agent-failed failed", "agent-ok-with-finding ok"], rows.Select(r => $"{r.AgentId} {r.Outcome}"));
    }

    [Fact]
    public async Task On_postgresql_the_list_is_read_through_the_partial_index()
    {
        await using var db = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var connection = await db.Database.OpenAsync(CancellationToken.None);

        // With few rows a sequential scan is cheaper; forbidding it shows whether the index can serve the predicate at all.
        await connection.ExecuteAsync("SET enable_seqscan = off");
        var plan = string.Join('\n', await connection.QueryAsync<string>($"EXPLAIN SELECT agent_id FROM endpoint_state WHERE {StateStore.NotOkPostgreSql}"));

        Assert.Contains("endpoint_state_problems", plan, StringComparison.Ordinal);
    }
}
