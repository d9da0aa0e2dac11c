using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FleetMonitor.Alerting.Policies;
using FleetMonitor.Storage;

namespace FleetMonitor.Alerting.Tests.Api;

/// <summary>The policy endpoints on PostgreSQL: a new site gets the default, invalid policies are refused naming the field, saves are versioned.</summary>
public sealed class PolicyApiTests
{
    [Fact]
    public async Task A_new_site_gets_the_default_policy_and_a_saved_policy_becomes_version_1()
    {
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var api = await ApiHost.StartAsync(database);
        await CreateSiteAsync(api, "home-office");

        var current = JsonDocument.Parse(await api.Client.GetStringAsync("/api/policies/home-office")).RootElement;
        Assert.True(current.GetProperty("isDefault").GetBoolean());
        Assert.Equal(0, current.GetProperty("version").GetInt32());
        Assert.Equal(DefaultPolicy.Create().Rules!.Count, current.GetProperty("policy").GetProperty("rules").GetArrayLength());

        var policy = DefaultPolicy.Create();
        policy.Hysteresis!.Failures = 2;
        policy.Rules!.RemoveAt(0);
        using var saved = await api.Client.PutAsync("/api/policies/home-office", Json(PolicyJson.Serialize(policy)));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var after = JsonDocument.Parse(await api.Client.GetStringAsync("/api/policies/home-office")).RootElement;
        Assert.Equal((1, false, 2), (after.GetProperty("version").GetInt32(), after.GetProperty("isDefault").GetBoolean(),
            after.GetProperty("policy").GetProperty("hysteresis").GetProperty("failures").GetInt32()));

        // Saving from a stale version is a conflict, not a silent overwrite.
        using var stale = new HttpRequestMessage(HttpMethod.Put, "/api/policies/home-office") { Content = Json(PolicyJson.Serialize(policy)) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"0\"");
        Assert.Equal(HttpStatusCode.Conflict, (await api.Client.SendAsync(stale)).StatusCode);
        Assert.Single(JsonDocument.Parse(await api.Client.GetStringAsync("/api/policies/home-office/versions")).RootElement.EnumerateArray());
    }

    [Theory]
    [InlineData("""{"schemaVersion":1,"rules":[{"id":"x","kind":"port_scan","class":"exposed","severity":"critical"}]}""", "rules[0].kind")]
    [InlineData("""{"schemaVersion":1,"rules":[{"id":"m","kind":"measurement","class":"broken","severity":"warning","probeKind":"media","measurement":"mos_plc","op":">=","value":-1}]}""", "rules[0].value")]
    [InlineData("""{"schemaVersion":1,"rules":[],"colour":"red"}""", "colour")]
    [InlineData("""{"schemaVersion":1,"rules":[""", "body")]
    public async Task An_invalid_policy_is_refused_with_a_problem_naming_the_field_and_nothing_is_saved(string body, string field)
    {
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var api = await ApiHost.StartAsync(database);
        await CreateSiteAsync(api, "home-office");

        using var response = await api.Client.PutAsync("/api/policies/home-office", Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"errors name {field}: {errors}");
        Assert.Empty(JsonDocument.Parse(await api.Client.GetStringAsync("/api/policies/home-office/versions")).RootElement.EnumerateArray());

        using var validate = await api.Client.PostAsync("/api/policies/validate", Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, validate.StatusCode);
    }

    [Fact]
    public async Task A_policy_for_a_site_that_does_not_exist_is_not_found()
    {
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var api = await ApiHost.StartAsync(database);
        using var response = await api.Client.PutAsync("/api/policies/nowhere", Json(PolicyJson.Serialize(DefaultPolicy.Create())));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    internal static async Task CreateSiteAsync(ApiHost api, string id)
    {
        using var created = await api.Client.PostAsJsonAsync("/api/sites", new { id, name = id, timeZone = "UTC" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
