using System.Net;
using System.Net.Http.Json;

namespace FleetMonitor.Api.Tests.Templates;

public sealed class TemplateEndpointsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Remote_VoIP_phone_template_is_shipped_and_applied_to_a_site_with_its_variables_and_overrides()
    {
        using var client = fixture.CreateClient();
        await CreateSiteAsync(client, "tpl-voip");

        var template = await (await client.GetAsync("/api/templates/remote-voip-phone")).ReadJsonAsync();
        Assert.Equal(["pbx", "provisioning", "reflector", "sip_domain"], template.GetProperty("variables").EnumerateArray().Select(v => v.GetString()!).ToArray());
        var kinds = template.GetProperty("definitions").EnumerateArray().Select(d => d.GetProperty("kind").GetString()!).ToList();
        Assert.Equal(["dns", "exposure", "http", "media", "nat", "sip", "sip-alg", "tcp", "upnp"], kinds.Distinct().Order(StringComparer.Ordinal).ToArray());

        var applied = await (await client.PutAsJsonAsync("/api/sites/tpl-voip/templates/remote-voip-phone", new
        {
            variables = new { pbx = "pbx.example.com", provisioning = "prov.example.com", reflector = "reflector.example.com", sip_domain = "example.com" },
            overrides = new Dictionary<string, object>
            {
                ["media"] = new { intervalSeconds = 120, parameters = new { count = "100" } },
                ["sip-options-udp"] = new { enabled = false },
            },
        })).ReadJsonAsync();
        Assert.Equal(12, applied.GetProperty("definitionIds").GetArrayLength());
        Assert.False(applied.GetProperty("delivered").GetBoolean());

        var definitions = (await (await client.GetAsync("/api/sites/tpl-voip/definitions")).ReadJsonAsync()).EnumerateArray().ToDictionary(d => d.GetProperty("id").GetString()!);
        Assert.Equal(12, definitions.Count);
        Assert.Equal("pbx.example.com:5061", definitions["pbx-tls"].GetProperty("target").GetString());
        Assert.Equal("pbx.example.com", definitions["pbx-tls"].GetProperty("parameters").GetProperty("sni").GetString());
        Assert.Equal("https://prov.example.com/", definitions["provisioning-https"].GetProperty("target").GetString());
        Assert.Equal(120, definitions["media"].GetProperty("intervalSeconds").GetInt32());
        Assert.Equal("100", definitions["media"].GetProperty("parameters").GetProperty("count").GetString());
        Assert.False(definitions["sip-options-udp"].GetProperty("enabled").GetBoolean());
        Assert.All(definitions.Values, d => Assert.Equal("remote-voip-phone", d.GetProperty("templateId").GetString()));
        var schedule = await (await client.GetAsync("/api/sites/tpl-voip/schedule")).ReadJsonAsync();
        Assert.Equal(11, schedule.GetProperty("schedule").GetProperty("probes").GetArrayLength());

        var listed = await (await client.GetAsync("/api/sites/tpl-voip/templates")).ReadJsonAsync();
        Assert.Equal("pbx.example.com", listed[0].GetProperty("settings").GetProperty("variables").GetProperty("pbx").GetString());

        // Taken off the site: its definitions go with it.
        (await client.DeleteAsync("/api/sites/tpl-voip/templates/remote-voip-phone")).EnsureSuccessStatusCode();
        Assert.Equal(0, (await (await client.GetAsync("/api/sites/tpl-voip/definitions")).ReadJsonAsync()).GetArrayLength());
    }

    [Fact]
    public async Task Changed_template_is_made_again_on_every_site_it_is_applied_to_and_unchanged_definitions_keep_their_version()
    {
        using var client = fixture.CreateClient();
        await CreateSiteAsync(client, "tpl-fan-a");
        await CreateSiteAsync(client, "tpl-fan-b");
        (await client.PutAsJsonAsync("/api/templates/tpl-fan", Template(
            new { id = "fan-tcp", kind = "tcp", target = "${pbx}:5061", intervalSeconds = 60 },
            new { id = "fan-dns", kind = "dns", target = "${pbx}", intervalSeconds = 300 },
            new { id = "fan-keep", kind = "tcp", target = "${pbx}:443", intervalSeconds = 60 }))).EnsureSuccessStatusCode();
        (await client.PutAsJsonAsync("/api/sites/tpl-fan-a/templates/tpl-fan", new { variables = new { pbx = "a.example.com" } })).EnsureSuccessStatusCode();
        (await client.PutAsJsonAsync("/api/sites/tpl-fan-b/templates/tpl-fan", new { variables = new { pbx = "b.example.com" } })).EnsureSuccessStatusCode();
        var versionBefore = (await (await client.GetAsync("/api/sites/tpl-fan-b/schedule")).ReadJsonAsync()).GetProperty("schedule").GetProperty("version").GetInt64();

        var saved = await (await client.PutAsJsonAsync("/api/templates/tpl-fan", Template(
            new { id = "fan-tcp", kind = "tcp", target = "${pbx}:5061", cron = "0 0/5 * * * ?" },
            new { id = "fan-keep", kind = "tcp", target = "${pbx}:443", intervalSeconds = 60 },
            new { id = "fan-sip", kind = "sip", target = "${pbx}:5060", intervalSeconds = 60, parameters = new { transport = "tcp" } }))).ReadJsonAsync();
        Assert.Equal(2, saved.GetProperty("template").GetProperty("version").GetInt64());
        Assert.Equal(["tpl-fan-a", "tpl-fan-b"], saved.GetProperty("sites").EnumerateArray().Select(s => s.GetProperty("siteId").GetString()!).ToArray());

        foreach (var (site, host) in new[] { ("tpl-fan-a", "a.example.com"), ("tpl-fan-b", "b.example.com") })
        {
            var definitions = (await (await client.GetAsync($"/api/sites/{site}/definitions")).ReadJsonAsync()).EnumerateArray().ToDictionary(d => d.GetProperty("id").GetString()!);
            Assert.Equal(["fan-keep", "fan-sip", "fan-tcp"], definitions.Keys.Order(StringComparer.Ordinal).ToArray());
            Assert.Equal(2, definitions["fan-tcp"].GetProperty("version").GetInt32());
            Assert.Equal("0 0/5 * * * ?", definitions["fan-tcp"].GetProperty("cron").GetString());
            Assert.Equal(1, definitions["fan-keep"].GetProperty("version").GetInt32());
            Assert.Equal($"{host}:5060", definitions["fan-sip"].GetProperty("target").GetString());
        }

        var versionAfter = (await (await client.GetAsync("/api/sites/tpl-fan-b/schedule")).ReadJsonAsync()).GetProperty("schedule").GetProperty("version").GetInt64();
        Assert.Equal(versionBefore + 1, versionAfter);
        Assert.Equal(HttpStatusCode.Conflict, (await client.DeleteAsync("/api/templates/tpl-fan")).StatusCode);
    }

    [Theory]
    [InlineData("name", """{"definitions":[{"id":"a","kind":"dns","target":"${pbx}","intervalSeconds":60}]}""")]
    [InlineData("definitions", """{"name":"t","definitions":[]}""")]
    [InlineData("definitions[0].parameters.packet_size", """{"name":"t","definitions":[{"id":"a","kind":"media","target":"${r}:7000","intervalSeconds":60,"parameters":{"packet_size":"1"}}]}""")]
    [InlineData("definitions[1].id", """{"name":"t","definitions":[{"id":"a","kind":"dns","target":"x.example.com","intervalSeconds":60},{"id":"a","kind":"dns","target":"x.example.com","intervalSeconds":60}]}""")]
    [InlineData("definitions[0].target", """{"name":"t","definitions":[{"id":"a","kind":"tcp","target":"${Pbx}:5060","intervalSeconds":60}]}""")]
    [InlineData("definitions[0].timeoutSeconds", """{"name":"t","definitions":[{"id":"a","kind":"nat","target":"${r}:3478","intervalSeconds":600,"timeoutSeconds":30}]}""")]
    public async Task Invalid_template_is_refused_naming_the_field_and_nothing_is_saved(string field, string body)
    {
        using var client = fixture.CreateClient();
        var response = await client.PutAsync("/api/templates/tpl-invalid", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        await Problems.AssertValidationProblemAsync(response, field);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/templates/tpl-invalid")).StatusCode);
    }

    [Fact]
    public async Task Invalid_application_is_refused_naming_the_field_and_nothing_is_saved()
    {
        using var client = fixture.CreateClient();
        await CreateSiteAsync(client, "tpl-bad");
        (await client.PutAsJsonAsync("/api/templates/tpl-bad", Template(
            new { id = "bad-tcp", kind = "tcp", target = "${pbx}:5061", intervalSeconds = 60, timeoutSeconds = 5 }))).EnsureSuccessStatusCode();

        async Task RefusedAsync(object settings, string field)
        {
            var response = await client.PutAsJsonAsync("/api/sites/tpl-bad/templates/tpl-bad", settings);
            await Problems.AssertValidationProblemAsync(response, field);
            Assert.Equal(0, (await (await client.GetAsync("/api/sites/tpl-bad/definitions")).ReadJsonAsync()).GetArrayLength());
        }

        await RefusedAsync(new { }, "variables.pbx");
        await RefusedAsync(new { variables = new { pbx = "pbx.example.com", sbc = "x" } }, "variables.sbc");
        await RefusedAsync(new { variables = new { pbx = "not a host" } }, "variables.pbx");
        await RefusedAsync(new { variables = new { pbx = "pbx.example.com" }, overrides = new { nope = new { enabled = false } } }, "overrides.nope");
        await RefusedAsync(new Dictionary<string, object>
        {
            ["variables"] = new { pbx = "pbx.example.com" },
            ["overrides"] = new Dictionary<string, object> { ["bad-tcp"] = new { timeoutSeconds = 120 } },
        }, "overrides.bad-tcp.timeoutSeconds");
        await RefusedAsync(new { variables = new { pbx = "pbx.example.com" }, extra = true }, "extra");

        // A definition of the site's own under an id the template uses is not taken over.
        (await client.PutAsJsonAsync("/api/sites/tpl-bad/definitions/bad-tcp", new { kind = "dns", target = "pbx.example.com", intervalSeconds = 60 })).EnsureSuccessStatusCode();
        var conflict = await client.PutAsJsonAsync("/api/sites/tpl-bad/templates/tpl-bad", new { variables = new { pbx = "pbx.example.com" } });
        await Problems.AssertValidationProblemAsync(conflict, "definitions.bad-tcp");
        (await client.DeleteAsync("/api/sites/tpl-bad/definitions/bad-tcp")).EnsureSuccessStatusCode();

        // Applied with an override the template's next version cannot take: the change is refused for that site's field, the template kept.
        (await client.PutAsJsonAsync("/api/sites/tpl-bad/templates/tpl-bad", new Dictionary<string, object>
        {
            ["variables"] = new { pbx = "pbx.example.com" },
            ["overrides"] = new Dictionary<string, object> { ["bad-tcp"] = new { timeoutSeconds = 30 } },
        })).EnsureSuccessStatusCode();
        var change = await client.PutAsJsonAsync("/api/templates/tpl-bad", Template(
            new { id = "bad-tcp", kind = "tcp", target = "${pbx}:5061", intervalSeconds = 10, timeoutSeconds = 5 }));
        await Problems.AssertValidationProblemAsync(change, "sites.tpl-bad.overrides.bad-tcp.timeoutSeconds");
        Assert.Equal(1, (await (await client.GetAsync("/api/templates/tpl-bad")).ReadJsonAsync()).GetProperty("version").GetInt64());
    }

    private static object Template(params object[] definitions) => new { name = "Test template", definitions };

    private static async Task CreateSiteAsync(HttpClient client, string id)
    {
        var response = await client.PostAsJsonAsync("/api/sites", new { id, name = id, timeZone = "UTC" });
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, await response.Content.ReadAsStringAsync());
    }
}
