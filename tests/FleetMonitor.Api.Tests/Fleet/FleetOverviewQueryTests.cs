using System.Text.Json;
using FleetMonitor.Api.Access;
using FleetMonitor.Api.Fleet;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FleetMonitor.Api.Tests.Fleet;

/// <summary>
/// The overview's filter, limit and agent list (the dashboard asks for tiles, totals and the worst problems only),
/// and that a build shared between readers never hands one an overview read before it asked. Each test seeds a site of its own with agents that beat now.
/// </summary>
public sealed class FleetOverviewQueryTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Overview_filters_by_site_class_and_words_cuts_at_the_limit_and_counts_what_matched()
    {
        var site = await SeedSiteAsync();
        using var client = fixture.CreateClient(AccessRoles.Viewer);

        var all = await (await client.GetAsync($"/api/fleet/overview?site={site}")).ReadJsonAsync();
        Assert.Equal(
            [$"{site}-broken broken", $"{site}-exposed exposed", $"{site}-offline offline", $"{site}-ok ok"],
            all.GetProperty("agents").EnumerateArray().Select(a => $"{a.GetProperty("agentId").GetString()} {a.GetProperty("class").GetString()}"));
        Assert.Equal([$"{site}-broken", $"{site}-exposed", $"{site}-offline"], Agents(all));
        Assert.Equal(3, all.GetProperty("matchingCount").GetInt32());
        var tile = all.GetProperty("sites").EnumerateArray().Single(t => t.GetProperty("siteId").GetString() == site);
        Assert.Equal((4, 1, 1, 1, 1), (tile.GetProperty("agents").GetInt32(), tile.GetProperty("broken").GetInt32(), tile.GetProperty("exposed").GetInt32(),
            tile.GetProperty("offline").GetInt32(), tile.GetProperty("ok").GetInt32()));
        // Tiles and totals are the whole fleet's, whatever the filter: the seeded sites' agents count too.
        var totals = all.GetProperty("totals");
        Assert.Equal(all.GetProperty("sites").EnumerateArray().Sum(t => t.GetProperty("agents").GetInt32()), totals.GetProperty("agents").GetInt32());
        Assert.True(totals.GetProperty("agents").GetInt32() > 4);
        Assert.True(all.GetProperty("problemCount").GetInt32() > 3);

        Assert.Equal([$"{site}-exposed"], Agents(await GetAsync(client, $"site={site}&class=exposed")));
        Assert.Equal([$"{site}-exposed"], Agents(await GetAsync(client, $"site={site}&q=5060%2FUDP")));
        Assert.Equal([$"{site}-broken"], Agents(await GetAsync(client, $"site={site}&q=timeout+{site}-broken")));
        Assert.Empty(Agents(await GetAsync(client, $"site={site}&q=timeout+{site}-exposed")));

        var first = await GetAsync(client, $"site={site}&limit=1&agents=none");
        Assert.Equal([$"{site}-broken"], Agents(first));
        Assert.Equal(3, first.GetProperty("matchingCount").GetInt32());
        Assert.Equal(0, first.GetProperty("agents").GetArrayLength());
    }

    [Theory]
    [InlineData("siteId=home-bob", "siteId")]
    [InlineData("site=%3Cscript%3E", "site")]
    [InlineData("class=fine", "class")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("agents=some", "agents")]
    [InlineData("class=broken&class=exposed", "class")]
    public async Task Unknown_or_malformed_overview_parameters_are_refused_naming_the_field(string query, string field)
    {
        using var client = fixture.CreateClient(AccessRoles.Viewer);

        await Problems.AssertValidationProblemAsync(await client.GetAsync($"/api/fleet/overview?{query}"), field);
    }

    [Fact]
    public async Task A_reader_who_asks_while_a_build_runs_gets_an_overview_read_after_it_asked()
    {
        var source = fixture.Factory.Services.GetRequiredService<FleetOverviewSource>();

        // An agent that beats while a build runs is in the overview of every reader who asked after the beat: the
        // running build may have read the agents before it, so that reader waits for the next build.
        var running = source.GetAsync(CancellationToken.None);
        var site = $"late-{Guid.NewGuid():N}"[..16];
        await BeatAsync(site + "-agent", site, TimeSpan.Zero);
        var after = await source.GetAsync(CancellationToken.None);
        await running;

        var tile = Assert.Single(after.Sites, t => t.SiteId == site);
        Assert.Equal((1, 1), (tile.Agents, tile.Ok));
    }

    private static IReadOnlyList<string> Agents(JsonElement overview) =>
        [.. overview.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("agentId").GetString()!)];

    private static async Task<JsonElement> GetAsync(HttpClient client, string query) =>
        await (await client.GetAsync($"/api/fleet/overview?{query}")).ReadJsonAsync();

    /// <summary>A site with a broken, an exposed, an ok agent beating now and one silent for an hour.</summary>
    private async Task<string> SeedSiteAsync()
    {
        var site = $"q-{Guid.NewGuid():N}"[..12];
        var now = TimeProvider.System.GetUtcNow();
        var results = new ResultStore(fixture.Database.Open(), TimeProvider.System);
        await results.StoreBatchAsync(
        [
            SeedData.Result(Guid.CreateVersion7(now), $"{site}-broken", site, "pbx", "tcp", "pbx.example.com:5061", now.AddSeconds(-10),
                ProbeOutcome.Failed, new Dictionary<string, double>(), ["tcp.timeout"], "connect timed out"),
            SeedData.Result(Guid.CreateVersion7(now), $"{site}-exposed", site, "exposure", "exposure", "reflector.example.net:443", now.AddSeconds(-10),
                ProbeOutcome.Degraded, new Dictionary<string, double> { ["ports_open"] = 1 }, ["exposure.open.5060/udp"]),
            SeedData.Result(Guid.CreateVersion7(now), $"{site}-ok", site, "pbx", "tcp", "pbx.example.com:5061", now.AddSeconds(-10),
                ProbeOutcome.Ok, new Dictionary<string, double> { ["connect_ms"] = 20 }, []),
            SeedData.Result(Guid.CreateVersion7(now), $"{site}-offline", site, "pbx", "tcp", "pbx.example.com:5061", now.AddHours(-1),
                ProbeOutcome.Ok, new Dictionary<string, double> { ["connect_ms"] = 20 }, []),
        ], CancellationToken.None);
        foreach (var (agent, age) in new[] { ("broken", TimeSpan.Zero), ("exposed", TimeSpan.Zero), ("ok", TimeSpan.Zero), ("offline", TimeSpan.FromHours(1)) })
        {
            await BeatAsync($"{site}-{agent}", site, age);
        }

        return site;
    }

    private async Task BeatAsync(string agent, string site, TimeSpan age) =>
        await new AgentStore(fixture.Database.Open(), TimeProvider.System).RecordHeartbeatAsync(new AgentHeartbeatSent
        {
            SchemaVersion = AgentHeartbeatSent.CurrentSchemaVersion,
            AgentId = agent,
            SiteId = site,
            SentAt = TimeProvider.System.GetUtcNow() - age,
            Hostname = $"{agent}-host",
            AgentVersion = "1.0.0",
            OutboxBacklog = 0,
        }, CancellationToken.None);
}
