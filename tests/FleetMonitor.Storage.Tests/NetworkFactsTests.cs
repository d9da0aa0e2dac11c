using System.Text.Json;
using FleetMonitor.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace FleetMonitor.Storage.Tests;

/// <summary>The facts behind the fleet breakdown: each agent's latest nat, upnp and exposure result, on SQLite and on PostgreSQL.</summary>
public sealed class NetworkFactsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(StorageDialect.Sqlite)]
    [InlineData(StorageDialect.PostgreSql)]
    public async Task The_latest_network_probe_facts_of_each_agent_are_listed_and_other_kinds_are_not(StorageDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var store = new ResultStore(db.Database, new FakeTimeProvider(T0.AddMinutes(5)));
        await store.StoreBatchAsync(
        [
            Network(T0, "agent-1", "nat", new() { ["nat_type"] = "full_cone" }),
            Results.Make(T0, "agent-1"),
            Network(T0, "agent-2", "upnp", new() { ["igd_name"] = "FRITZ!Box 7590" }),
        ], CancellationToken.None);
        // A later nat result with another verdict and a failure: the state now points at it.
        await store.StoreBatchAsync([Network(T0.AddMinutes(1), "agent-1", "nat", new() { ["nat_type"] = "symmetric" }, ProbeOutcome.Failed)], CancellationToken.None);

        var rows = await new StateStore(db.Database).ListNetworkFactsAsync(CancellationToken.None);

        Assert.Equal(["agent-1 nat symmetric", "agent-2 upnp FRITZ!Box 7590"], rows.Select(r =>
            $"{r.AgentId} {r.Kind} {JsonSerializer.Deserialize<Dictionary<string, string>>(r.Facts)!.Values.Single()}"));
    }

    private static ProbeCompleted Network(DateTimeOffset at, string agent, string kind, Dictionary<string, string> facts, ProbeOutcome outcome = ProbeOutcome.Ok) =>
        Results.Make(at, agent, kind, outcome) with { Kind = kind, Target = "reflector.example.net:3478", Facts = facts };
}
