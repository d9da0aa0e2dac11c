using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace FleetMonitor.Api.Tests.Sites;

public sealed class SiteEndpointsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Created_site_is_returned_with_its_location_and_listed()
    {
        using var client = fixture.CreateClient();

        var response = await client.PostAsJsonAsync("/api/sites", new { id = "branch-berlin", name = "Berlin branch", timeZone = "Europe/Berlin" });

        var created = await response.ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal("branch-berlin", created.GetProperty("id").GetString());
        Assert.Equal("/api/sites/branch-berlin", response.Headers.Location?.AbsolutePath);

        var site = await (await client.GetAsync(response.Headers.Location)).ReadJsonAsync();
        Assert.Equal("Berlin branch", site.GetProperty("name").GetString());
        Assert.Equal("Europe/Berlin", site.GetProperty("timeZone").GetString());

        var list = await (await client.GetAsync("/api/sites")).ReadJsonAsync();
        var ids = list.EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();
        Assert.Contains("branch-berlin", ids);
        // Ingestion made the seeded agents' sites.
        Assert.Contains(SeedData.AliceSite, ids);
    }

    [Fact]
    public async Task Time_zone_must_be_spelled_as_in_tzdata_even_once_the_zone_is_cached()
    {
        using var client = fixture.CreateClient();
        (await client.PostAsJsonAsync("/api/sites", new { id = "branch-nyc", name = "New York", timeZone = "America/New_York" })).EnsureSuccessStatusCode();

        var response = await client.PostAsJsonAsync("/api/sites", new { id = "branch-nyc-2", name = "New York", timeZone = "america/new_york" });

        await Problems.AssertValidationProblemAsync(response, "timeZone");
    }

    [Fact]
    public async Task Creating_an_existing_site_is_a_409_problem()
    {
        using var client = fixture.CreateClient();
        var site = new { id = "branch-dup", name = "Twice", timeZone = "UTC" };
        (await client.PostAsJsonAsync("/api/sites", site)).EnsureSuccessStatusCode();

        var response = await client.PostAsJsonAsync("/api/sites", site);

        await Problems.AssertProblemAsync(response, HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("Upper-Case", "Site", "UTC", "id")]
    [InlineData("-leading-dash", "Site", "UTC", "id")]
    [InlineData("has space", "Site", "UTC", "id")]
    [InlineData("trailing-newline\n", "Site", "UTC", "id")]
    [InlineData("", "Site", "UTC", "id")]
    [InlineData(null, "Site", "UTC", "id")]
    [InlineData("x12345678901234567890123456789012345678901234567890123456789012345", "Site", "UTC", "id")]
    [InlineData("ok-id", "", "UTC", "name")]
    [InlineData("ok-id", "   ", "UTC", "name")]
    [InlineData("ok-id", null, "UTC", "name")]
    [InlineData("ok-id", "Site", "Mars/Olympus_Mons", "timeZone")]
    [InlineData("ok-id", "Site", "Eastern Standard Time", "timeZone")]
    [InlineData("ok-id", "Site", "../../../etc/passwd", "timeZone")]
    [InlineData("ok-id", "Site", "localtime", "timeZone")]
    [InlineData("ok-id", "Site", "right/Europe/Berlin", "timeZone")]
    [InlineData("ok-id", "Site", "", "timeZone")]
    [InlineData("ok-id", "Site", null, "timeZone")]
    public async Task Invalid_site_is_a_400_naming_the_field(string? id, string? name, string? timeZone, string field)
    {
        using var client = fixture.CreateClient();

        var response = await client.PostAsJsonAsync("/api/sites", new { id, name, timeZone });

        await Problems.AssertValidationProblemAsync(response, field);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/sites/ok-id")).StatusCode);
    }

    [Fact]
    public async Task Name_longer_than_200_characters_is_a_400_naming_the_field()
    {
        using var client = fixture.CreateClient();

        var response = await client.PostAsJsonAsync("/api/sites", new { id = "long-name", name = new string('n', 201), timeZone = "UTC" });

        await Problems.AssertValidationProblemAsync(response, "name");
    }

    [Theory]
    [InlineData("{\"id\": 5, \"name\": \"Site\", \"timeZone\": \"UTC\"}", "id")]
    [InlineData("{\"id\": \"json-id\", \"name\": \"Site\", \"timeZone\": [\"UTC\"]}", "timeZone")]
    [InlineData("{\"id\": \"broken\",", "body")]
    [InlineData("", "body")]
    [InlineData("null", "body")]
    public async Task Unreadable_body_is_a_400_naming_the_field(string body, string field)
    {
        using var client = fixture.CreateClient();

        var response = await client.PostAsync("/api/sites", new StringContent(body, Encoding.UTF8, "application/json"));

        await Problems.AssertValidationProblemAsync(response, field);
    }

    [Fact]
    public async Task Body_that_is_not_json_is_a_415_problem()
    {
        using var client = fixture.CreateClient();

        var response = await client.PostAsync("/api/sites", new StringContent("id=x", Encoding.UTF8, "application/x-www-form-urlencoded"));

        await Problems.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Unknown_site_is_a_404_problem()
    {
        using var client = fixture.CreateClient();

        var response = await client.GetAsync("/api/sites/no-such-site");

        await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Malformed_site_id_in_the_path_is_a_400_naming_it()
    {
        using var client = fixture.CreateClient();

        var response = await client.GetAsync("/api/sites/Not_An_Id");

        await Problems.AssertValidationProblemAsync(response, "siteId");
    }
}
