using System.Net;
using System.Net.Http.Json;
using FleetMonitor.Api.Definitions;
using FleetMonitor.Probes;

namespace FleetMonitor.Api.Tests.Definitions;

public sealed class DefinitionEndpointsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Definitions_are_versioned_on_every_change_and_the_site_schedule_version_grows()
    {
        using var client = fixture.CreateClient();
        await CreateSiteAsync(client, "defs-versions");

        var created = await (await client.PutAsJsonAsync("/api/sites/defs-versions/definitions/pbx-tls",
            new { kind = "tcp", target = "pbx.example.com:5061", intervalSeconds = 60, parameters = new { tls = "true", sni = "pbx.example.com" } }))
            .ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal(1, created.GetProperty("definition").GetProperty("version").GetInt32());
        Assert.Equal(5, created.GetProperty("definition").GetProperty("nextFireTimes").GetArrayLength());
        var firstSchedule = created.GetProperty("scheduleVersion").GetInt64();
        Assert.False(created.GetProperty("delivered").GetBoolean());

        var changed = await (await client.PutAsJsonAsync("/api/sites/defs-versions/definitions/pbx-tls",
            new { kind = "tcp", target = "pbx.example.com:5061", cron = "0 0/5 * * * ?", timeZone = "Europe/Berlin", timeoutSeconds = 5 })).ReadJsonAsync();
        Assert.Equal(2, changed.GetProperty("definition").GetProperty("version").GetInt32());
        Assert.Equal(firstSchedule + 1, changed.GetProperty("scheduleVersion").GetInt64());

        var schedule = await (await client.DeleteAsync("/api/sites/defs-versions/definitions/pbx-tls")).ReadJsonAsync();
        Assert.Equal(firstSchedule + 2, schedule.GetProperty("schedule").GetProperty("version").GetInt64());
        Assert.Equal(0, schedule.GetProperty("schedule").GetProperty("probes").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/sites/defs-versions/definitions/pbx-tls")).StatusCode);

        // Made again under the same id, it continues above the deleted one's version: results of the two never share a probeVersion.
        var again = await (await client.PutAsJsonAsync("/api/sites/defs-versions/definitions/pbx-tls",
            new { kind = "tcp", target = "pbx.example.com:5061", intervalSeconds = 60 })).ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal(3, again.GetProperty("definition").GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Disabled_definition_is_kept_but_left_out_of_the_schedule()
    {
        using var client = fixture.CreateClient();
        await CreateSiteAsync(client, "defs-disabled");
        (await client.PutAsJsonAsync("/api/sites/defs-disabled/definitions/on", new { kind = "dns", target = "pbx.example.com", intervalSeconds = 300 })).EnsureSuccessStatusCode();
        (await client.PutAsJsonAsync("/api/sites/defs-disabled/definitions/off", new { kind = "dns", target = "pbx.example.com", intervalSeconds = 300, enabled = false })).EnsureSuccessStatusCode();

        var listed = await (await client.GetAsync("/api/sites/defs-disabled/definitions")).ReadJsonAsync();
        Assert.Equal(["off", "on"], listed.EnumerateArray().Select(d => d.GetProperty("id").GetString()!).ToArray());
        var schedule = await (await client.GetAsync("/api/sites/defs-disabled/schedule")).ReadJsonAsync();
        Assert.Equal(["on"], schedule.GetProperty("schedule").GetProperty("probes").EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToArray());
    }

    [Fact]
    public async Task Unknown_parameter_is_refused_with_the_known_ones_and_nothing_is_saved()
    {
        using var client = fixture.CreateClient();
        await CreateSiteAsync(client, "defs-unknown");

        var response = await client.PutAsJsonAsync("/api/sites/defs-unknown/definitions/media",
            new { kind = "media", target = "reflector.example.com:7000", intervalSeconds = 60, parameters = new { count = "100", packet_size = "172" } });

        var problem = await Problems.AssertValidationProblemAsync(response, "parameters.packet_size");
        var message = problem.GetProperty("errors").GetProperty("parameters.packet_size")[0].GetString()!;
        Assert.Contains("packet_bytes", message, StringComparison.Ordinal);
        Assert.Contains("interval_ms", message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/sites/defs-unknown/definitions/media")).StatusCode);
    }

    [Theory]
    [InlineData("kind", """{"kind":"ping","target":"x","intervalSeconds":60}""")]
    [InlineData("target", """{"kind":"tcp","target":"pbx.example.com","intervalSeconds":60}""")]
    [InlineData("target", """{"kind":"http","target":"ftp://pbx.example.com/","intervalSeconds":60}""")]
    [InlineData("cron", """{"kind":"tcp","target":"pbx.example.com:5060","cron":"0 0 25 * * ?"}""")]
    [InlineData("cron", """{"kind":"tcp","target":"pbx.example.com:5060","cron":"* * * * *"}""")]
    [InlineData("schedule", """{"kind":"tcp","target":"pbx.example.com:5060","cron":"0 * * * * ?","intervalSeconds":60}""")]
    [InlineData("timeZone", """{"kind":"tcp","target":"pbx.example.com:5060","cron":"0 * * * * ?","timeZone":"Mars/Olympus"}""")]
    [InlineData("timeoutSeconds", """{"kind":"nat","target":"stun.example.com:3478","intervalSeconds":600,"timeoutSeconds":60}""")]
    [InlineData("timeoutSeconds", """{"kind":"tcp","target":"pbx.example.com:5060","intervalSeconds":5,"timeoutSeconds":10}""")]
    [InlineData("parameters.max_lifetime_s", """{"kind":"nat","target":"stun.example.com:3478","intervalSeconds":600,"parameters":{"max_lifetime_s":"forever"}}""")]
    [InlineData("parameters.password", """{"kind":"nat","target":"stun.example.com:3478","intervalSeconds":600,"timeoutSeconds":130,"parameters":{"password":"mine"}}""")]
    [InlineData("intervalSeconds", """{"kind":"tcp","target":"pbx.example.com:5060","intervalSeconds":"often"}""")]
    public async Task Invalid_definition_is_a_400_naming_the_field(string field, string json)
    {
        using var client = fixture.CreateClient();
        await CreateSiteAsync(client, "defs-invalid");

        var response = await client.PutAsync("/api/sites/defs-invalid/definitions/bad", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await Problems.AssertValidationProblemAsync(response, field);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/sites/defs-invalid/definitions/bad")).StatusCode);
    }

    [Fact]
    public async Task Nat_timeout_must_cover_the_lifetime_search_plus_five_seconds()
    {
        using var client = fixture.CreateClient();
        await CreateSiteAsync(client, "defs-nat");

        var tooShort = await client.PutAsJsonAsync("/api/sites/defs-nat/definitions/nat",
            new { kind = "nat", target = "stun.example.com:3478", intervalSeconds = 900, timeoutSeconds = 64, parameters = new { max_lifetime_s = "60" } });
        var problem = await Problems.AssertValidationProblemAsync(tooShort, "timeoutSeconds");
        Assert.Contains("65", problem.GetProperty("errors").GetProperty("timeoutSeconds")[0].GetString()!, StringComparison.Ordinal);

        var enough = await client.PutAsJsonAsync("/api/sites/defs-nat/definitions/nat",
            new { kind = "nat", target = "stun.example.com:3478", intervalSeconds = 900, timeoutSeconds = 65, parameters = new { max_lifetime_s = "60" } });
        await enough.ReadJsonAsync(HttpStatusCode.Created);

        // Unset, the timeout is the least the search needs (not 10 s, which would be refused or cut the search short).
        var unset = await client.PutAsJsonAsync("/api/sites/defs-nat/definitions/nat-default",
            new { kind = "nat", target = "stun.example.com:3478", intervalSeconds = 900, parameters = new { max_lifetime_s = "120" } });
        Assert.Equal(125, (await unset.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("definition").GetProperty("timeoutSeconds").GetInt32());
    }

    [Fact]
    public async Task Validate_shows_the_next_five_fire_times_in_the_definitions_time_zone()
    {
        using var client = fixture.CreateClient();
        await CreateSiteAsync(client, "defs-cron");

        var times = await (await client.PostAsJsonAsync("/api/sites/defs-cron/definitions/morning/validate",
            new { kind = "http", target = "https://prov.example.com/phone.cfg", cron = "0 30 8 ? * MON-FRI", timeZone = "Europe/Berlin" })).ReadJsonAsync();

        var parsed = times.EnumerateArray().Select(t => DateTimeOffset.Parse(t.GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(5, parsed.Count);
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        Assert.All(parsed, t =>
        {
            var local = TimeZoneInfo.ConvertTime(t, berlin);
            Assert.Equal((8, 30, 0), (local.Hour, local.Minute, local.Second));
            Assert.NotEqual(DayOfWeek.Saturday, local.DayOfWeek);
            Assert.NotEqual(DayOfWeek.Sunday, local.DayOfWeek);
        });
        Assert.Equal(parsed.Order().ToList(), parsed);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/sites/defs-cron/definitions/morning")).StatusCode);
    }

    [Fact]
    public async Task Definitions_of_an_unknown_site_are_not_found()
    {
        using var client = fixture.CreateClient();

        var response = await client.PutAsJsonAsync("/api/sites/no-such-site/definitions/x", new { kind = "tcp", target = "pbx.example.com:5060", intervalSeconds = 60 });

        await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public void Every_kind_of_the_probe_library_has_rules_and_no_other()
    {
        Assert.Equal(ProbeCatalog.CreateDefault().Kinds.Order(StringComparer.Ordinal), ProbeKindRules.All.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_parameter_the_probe_library_reads_is_known_except_the_agents_own_reflector_credential()
    {
        foreach (var (kind, spec) in ProbeKindSpecs.All)
        {
            var expected = spec.Parameters.Where(p => p is not ("username" or "password")).Order(StringComparer.Ordinal);
            Assert.Equal(expected, ProbeKindRules.All[kind].Parameters.Keys.Order(StringComparer.Ordinal));
        }
    }

    private static async Task CreateSiteAsync(HttpClient client, string id)
    {
        var response = await client.PostAsJsonAsync("/api/sites", new { id, name = id, timeZone = "UTC" });
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, await response.Content.ReadAsStringAsync());
    }
}
