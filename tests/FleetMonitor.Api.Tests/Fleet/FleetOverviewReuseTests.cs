using System.Text.Json;
using FleetMonitor.Alerting;
using FleetMonitor.Api.Fleet;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FleetMonitor.Api.Tests.Fleet;

/// <summary>
/// The overview's reader keeps the classified problem states while the database's problem version stands, and reads
/// them again as soon as any writer — another process's store included — changes a state that may not be ok; the
/// overview it builds is always the one a reader without anything kept builds.
/// </summary>
public sealed class FleetOverviewReuseTests
{
    [Fact]
    public async Task Kept_problem_states_are_reused_until_a_state_changes_and_every_build_equals_a_fresh_one()
    {
        using var database = await TestDatabase.CreateSeededAsync();
        var time = new FakeTimeProvider(SeedData.Start.AddMinutes(31));
        var db = database.Open();
        using var reader = Reader(db, time);

        async Task<FleetOverview> ReadAndCompareAsync()
        {
            var overview = await reader.ReadAsync(CancellationToken.None);
            using var fresh = Reader(database.Open(), time);
            Assert.Equal(Json(await fresh.ReadAsync(CancellationToken.None)), Json(overview));
            return overview;
        }

        var first = await ReadAndCompareAsync();
        Assert.Equal(1, reader.ProblemStateReads);

        // Heartbeats and ok results move nothing the problem states show: kept.
        var agents = new AgentStore(db, time);
        await agents.RecordHeartbeatAsync(SeedData.Heartbeat(SeedData.BobLaptop, SeedData.BobSite, time.GetUtcNow()), CancellationToken.None);
        await new ResultStore(db, time).StoreBatchAsync([Ok(SeedData.BobLaptop, SeedData.BobSite, time.GetUtcNow())], CancellationToken.None);
        var second = await ReadAndCompareAsync();
        Assert.Equal(1, reader.ProblemStateReads);
        Assert.Equal(first.Problems.Select(p => p.AgentId), second.Problems.Select(p => p.AgentId));

        // Another process's Ingestion (its own connection to the database) breaks bob's laptop: read again, and shown.
        time.Advance(TimeSpan.FromSeconds(10));
        var otherWriter = new ResultStore(database.Open(), time);
        await otherWriter.StoreBatchAsync([Failed(SeedData.BobLaptop, SeedData.BobSite, time.GetUtcNow())], CancellationToken.None);
        var third = await ReadAndCompareAsync();
        Assert.Equal(2, reader.ProblemStateReads);
        Assert.Contains(third.Problems, p => p.AgentId == SeedData.BobLaptop && p.Class == FleetClass.Broken);
        Assert.Equal(FleetClass.Broken, third.NotOk[SeedData.BobLaptop].Class);

        // Nothing written since: kept again.
        await ReadAndCompareAsync();
        Assert.Equal(2, reader.ProblemStateReads);

        // Back to ok: read again, and gone.
        time.Advance(TimeSpan.FromSeconds(10));
        await otherWriter.StoreBatchAsync([Ok(SeedData.BobLaptop, SeedData.BobSite, time.GetUtcNow())], CancellationToken.None);
        var fifth = await ReadAndCompareAsync();
        Assert.Equal(3, reader.ProblemStateReads);
        Assert.DoesNotContain(fifth.Problems, p => p.AgentId == SeedData.BobLaptop);
        Assert.False(fifth.NotOk.ContainsKey(SeedData.BobLaptop));

        // Time alone turns agents offline while the states are kept: the build is still the fresh one.
        time.Advance(TimeSpan.FromHours(1));
        var later = await ReadAndCompareAsync();
        Assert.Equal(3, reader.ProblemStateReads);
        Assert.Equal(FleetClass.Offline, later.NotOk[SeedData.BobLaptop].Class);
        Assert.All(later.Problems, p => Assert.Equal(FleetClass.Offline, p.Class));
    }

    private static FleetOverviewReader Reader(Database db, FakeTimeProvider time) =>
        new(new SiteStore(db, time), new AgentStore(db, time), new StateStore(db),
            new SiteOfflineSettings(new PolicyStore(db, time), time, Options.Create(new AlertingOptions()), NullLogger<SiteOfflineSettings>.Instance), time);

    // The agents by id: a dictionary's order is no part of the overview.
    private static string Json(FleetOverview overview) => JsonSerializer.Serialize(new
    {
        overview.GeneratedAt,
        overview.Sites,
        NotOk = overview.NotOk.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Value).ToList(),
        overview.Problems,
    });

    private static ProbeCompleted Ok(string agent, string site, DateTimeOffset at) =>
        SeedData.Result(Guid.CreateVersion7(at), agent, site, SeedData.PbxProbe, "tls", SeedData.PbxTarget, at, ProbeOutcome.Ok,
            new Dictionary<string, double> { ["connect_ms"] = 20 }, []);

    private static ProbeCompleted Failed(string agent, string site, DateTimeOffset at) =>
        SeedData.Result(Guid.CreateVersion7(at), agent, site, SeedData.PbxProbe, "tls", SeedData.PbxTarget, at, ProbeOutcome.Failed,
            new Dictionary<string, double>(), ["tls.handshake_failed"]);
}
