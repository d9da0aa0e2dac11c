using System.Net;
using System.Text.Json;
using FleetMonitor.Api.Access;

namespace FleetMonitor.Api.Tests.Fleet;

public sealed class FleetEndpointsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Summary_counts_latest_states_per_site_and_outcome()
    {
        using var client = fixture.CreateClient(AccessRoles.Viewer);

        var summary = await (await client.GetAsync("/api/fleet/summary")).ReadJsonAsync();

        Assert.Equal(3, summary.GetProperty("agents").GetInt32());
        AssertCounts(summary.GetProperty("outcomes"), ok: 2, degraded: 1, failed: 1, error: 1);
        var sites = summary.GetProperty("sites").EnumerateArray().ToDictionary(s => s.GetProperty("siteId").GetString()!);
        Assert.Equal(1, sites[SeedData.AliceSite].GetProperty("agents").GetInt32());
        AssertCounts(sites[SeedData.AliceSite].GetProperty("outcomes"), ok: 1, degraded: 1, failed: 0, error: 0);
        Assert.Equal(2, sites[SeedData.BobSite].GetProperty("agents").GetInt32());
        AssertCounts(sites[SeedData.BobSite].GetProperty("outcomes"), ok: 1, degraded: 0, failed: 1, error: 1);
    }

    [Fact]
    public async Task State_lists_every_agent_and_probe_and_filters_by_site()
    {
        using var client = fixture.CreateClient(AccessRoles.Viewer);

        var all = await (await client.GetAsync("/api/fleet/state")).ReadJsonAsync();
        var bob = await (await client.GetAsync($"/api/fleet/state?siteId={SeedData.BobSite}")).ReadJsonAsync();

        Assert.Equal(5, all.GetArrayLength());
        Assert.Equal(3, bob.GetArrayLength());
        var failed = bob.EnumerateArray().Single(s => s.GetProperty("outcome").GetString() == "failed");
        Assert.Equal(SeedData.BobPc, failed.GetProperty("agentId").GetString());
        Assert.Equal(SeedData.PbxProbe, failed.GetProperty("probeId").GetString());
        Assert.Equal(JsonValueKind.Array, failed.GetProperty("findings").ValueKind);
        Assert.Equal("tcp.timeout", failed.GetProperty("findings")[0].GetString());
        Assert.Equal("connect timed out after 5000 ms", failed.GetProperty("error").GetString());
    }

    [Fact]
    public async Task State_of_an_unknown_site_is_a_404_and_of_a_malformed_one_a_400()
    {
        using var client = fixture.CreateClient(AccessRoles.Viewer);

        await Problems.AssertProblemAsync(await client.GetAsync("/api/fleet/state?siteId=no-such-site"), HttpStatusCode.NotFound);
        await Problems.AssertValidationProblemAsync(await client.GetAsync("/api/fleet/state?siteId=%3Cscript%3E"), "siteId");
    }

    private static void AssertCounts(JsonElement counts, int ok, int degraded, int failed, int error)
    {
        Assert.Equal(ok, counts.GetProperty("ok").GetInt32());
        Assert.Equal(degraded, counts.GetProperty("degraded").GetInt32());
        Assert.Equal(failed, counts.GetProperty("failed").GetInt32());
        Assert.Equal(error, counts.GetProperty("error").GetInt32());
        Assert.Equal(ok + degraded + failed + error, counts.GetProperty("total").GetInt32());
    }
}
