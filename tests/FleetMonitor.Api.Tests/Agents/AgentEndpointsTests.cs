using System.Net;
using System.Text.Json;
using FleetMonitor.Api.Access;

namespace FleetMonitor.Api.Tests.Agents;

public sealed class AgentEndpointsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string AlicePbxResults = $"/api/agents/{SeedData.AlicePc}/probes/{SeedData.PbxProbe}/results";

    [Fact]
    public async Task Agents_are_listed_for_the_fleet_and_per_site()
    {
        using var client = fixture.CreateClient(AccessRoles.Viewer);

        var all = await (await client.GetAsync("/api/agents")).ReadJsonAsync();
        var bob = await (await client.GetAsync($"/api/agents?siteId={SeedData.BobSite}")).ReadJsonAsync();

        Assert.Equal([SeedData.AlicePc, SeedData.BobLaptop, SeedData.BobPc], Ids(all, "id"));
        Assert.Equal([SeedData.BobLaptop, SeedData.BobPc], Ids(bob, "id"));
        Assert.All(bob.EnumerateArray(), a => Assert.Equal(SeedData.BobSite, a.GetProperty("siteId").GetString()));
    }

    [Fact]
    public async Task Agent_list_of_an_unknown_site_is_a_404_and_of_a_malformed_one_a_400()
    {
        using var client = fixture.CreateClient(AccessRoles.Viewer);

        await Problems.AssertProblemAsync(await client.GetAsync("/api/agents?siteId=no-such-site"), HttpStatusCode.NotFound);
        await Problems.AssertValidationProblemAsync(await client.GetAsync("/api/agents?siteId=Bad%20Site"), "siteId");
    }

    [Fact]
    public async Task Agent_is_returned_and_an_unknown_one_is_a_404()
    {
        using var client = fixture.CreateClient(AccessRoles.Viewer);

        var agent = await (await client.GetAsync($"/api/agents/{SeedData.BobPc}")).ReadJsonAsync();

        Assert.Equal(SeedData.BobPc, agent.GetProperty("id").GetString());
        Assert.Equal(SeedData.BobSite, agent.GetProperty("siteId").GetString());
        await Problems.AssertProblemAsync(await client.GetAsync("/api/agents/no-such-agent"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task State_is_the_latest_result_of_each_probe_with_json_findings_and_measurements()
    {
        using var client = fixture.CreateClient(AccessRoles.Viewer);

        var state = await (await client.GetAsync($"/api/agents/{SeedData.AlicePc}/state")).ReadJsonAsync();

        Assert.Equal([SeedData.MediaProbe, SeedData.PbxProbe], Ids(state, "probeId"));
        var pbx = state.EnumerateArray().Single(s => s.GetProperty("probeId").GetString() == SeedData.PbxProbe);
        Assert.Equal("degraded", pbx.GetProperty("outcome").GetString());
        Assert.Equal(SeedData.PbxTarget, pbx.GetProperty("target").GetString());
        Assert.Equal(SeedData.AlicePbxIds[^1], pbx.GetProperty("lastResultId").GetGuid());
        Assert.Equal(JsonValueKind.Array, pbx.GetProperty("findings").ValueKind);
        Assert.Equal("tls.certificate.expires_soon", pbx.GetProperty("findings")[0].GetString());
        Assert.Equal(JsonValueKind.Object, pbx.GetProperty("measurements").ValueKind);
        Assert.Equal(850, pbx.GetProperty("measurements").GetProperty("connect_ms").GetDouble());
        await Problems.AssertProblemAsync(await client.GetAsync("/api/agents/no-such-agent/state"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task History_pages_return_every_result_once_newest_first()
    {
        using var client = fixture.CreateClient(AccessRoles.Viewer);
        var seen = new List<Guid>();
        var pageSizes = new List<int>();
        string? next = null;

        do
        {
            var url = AlicePbxResults + "?limit=10" + (next is null ? "" : "&before=" + next);
            var page = await (await client.GetAsync(url)).ReadJsonAsync();
            var items = page.GetProperty("items").EnumerateArray().ToList();
            pageSizes.Add(items.Count);
            seen.AddRange(items.Select(i => i.GetProperty("id").GetGuid()));
            Assert.All(items, i => Assert.Equal(JsonValueKind.Array, i.GetProperty("findings").ValueKind));
            Assert.All(items, i => Assert.Equal(JsonValueKind.Object, i.GetProperty("facts").ValueKind));
            next = page.TryGetProperty("next", out var cursor) ? cursor.GetString() : null;
        }
        while (next is not null);

        Assert.Equal(SeedData.AlicePbxIds.Reverse(), seen);
        Assert.Equal([10, 10, 3], pageSizes);
    }

    [Fact]
    public async Task History_defaults_to_50_results()
    {
        using var client = fixture.CreateClient(AccessRoles.Viewer);

        var page = await (await client.GetAsync(AlicePbxResults)).ReadJsonAsync();

        Assert.Equal(SeedData.AlicePbxResults, page.GetProperty("items").GetArrayLength());
        Assert.False(page.TryGetProperty("next", out _));
        var newest = page.GetProperty("items")[0];
        Assert.Equal("degraded", newest.GetProperty("outcome").GetString());
        Assert.Equal(850, newest.GetProperty("measurements").GetProperty("connect_ms").GetDouble());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("501")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("99999999999")]
    public async Task Bad_limit_is_a_400_naming_limit(string limit)
    {
        using var client = fixture.CreateClient(AccessRoles.Viewer);

        var response = await client.GetAsync($"{AlicePbxResults}?limit={Uri.EscapeDataString(limit)}");

        await Problems.AssertValidationProblemAsync(response, "limit");
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("")]
    [InlineData("12345")]
    public async Task Bad_cursor_is_a_400_naming_before(string before)
    {
        using var client = fixture.CreateClient(AccessRoles.Viewer);

        var response = await client.GetAsync($"{AlicePbxResults}?before={Uri.EscapeDataString(before)}");

        await Problems.AssertValidationProblemAsync(response, "before");
    }

    [Fact]
    public async Task History_of_an_unknown_agent_or_probe_is_a_404()
    {
        using var client = fixture.CreateClient(AccessRoles.Viewer);

        await Problems.AssertProblemAsync(
            await client.GetAsync($"/api/agents/no-such-agent/probes/{SeedData.PbxProbe}/results"), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(
            await client.GetAsync($"/api/agents/{SeedData.AlicePc}/probes/no-such-probe/results"), HttpStatusCode.NotFound);
    }

    private static List<string?> Ids(JsonElement array, string property) =>
        [.. array.EnumerateArray().Select(e => e.GetProperty(property).GetString())];
}
