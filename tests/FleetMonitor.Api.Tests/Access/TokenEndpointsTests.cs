using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using FleetMonitor.Api.Access;

namespace FleetMonitor.Api.Tests.Access;

/// <summary>Api tokens: made by an admin, shown once, stored hashed, limited to their role, revocable; every step audited.</summary>
public sealed class TokenEndpointsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Token_is_shown_once_stored_hashed_works_for_its_role_and_stops_when_revoked()
    {
        using var admin = fixture.CreateClient();

        var created = await (await admin.PostAsJsonAsync("/api/tokens", new { name = "grafana", role = "viewer" })).ReadJsonAsync(HttpStatusCode.Created);
        var token = created.GetProperty("token").GetString()!;
        var id = created.GetProperty("info").GetProperty("id").GetString()!;

        // Only a hash of the secret is in the database.
        await using (var connection = await fixture.Database.Open().OpenAsync(CancellationToken.None))
        {
            var stored = await connection.QuerySingleAsync<string>("SELECT secret_hash FROM api_tokens WHERE id = @id", new { id });
            var secret = token[(token.IndexOf('_', 3) + 1)..];
            Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
            Assert.Equal(ApiTokens.Hash(secret), stored);
        }

        var listed = await (await admin.GetAsync("/api/tokens")).ReadJsonAsync();
        var row = listed.EnumerateArray().Single(t => t.GetProperty("id").GetString() == id);
        Assert.False(row.TryGetProperty("token", out _));
        Assert.False(row.TryGetProperty("secretHash", out _));

        using var grafana = fixture.CreateAnonymousClient();
        grafana.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await (await grafana.GetAsync("/api/fleet/summary")).ReadJsonAsync();
        await Problems.AssertProblemAsync(await grafana.PostAsJsonAsync("/api/sites", new { id = "x", name = "x", timeZone = "UTC" }), HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/tokens/{id}")).StatusCode);
        await Problems.AssertProblemAsync(await grafana.GetAsync("/api/fleet/summary"), HttpStatusCode.Unauthorized);
        await Problems.AssertProblemAsync(await admin.DeleteAsync($"/api/tokens/{id}"), HttpStatusCode.Conflict);

        var audit = (await (await admin.GetAsync("/api/audit")).ReadJsonAsync()).GetProperty("items").EnumerateArray()
            .Where(e => e.GetProperty("target").GetString() == $"token:{id}").ToList();
        Assert.Equal(["token.revoke", "token.create"], audit.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(JsonValueKind.Null, audit[0].GetProperty("before").GetProperty("revokedAt").ValueKind);
        Assert.Equal(JsonValueKind.String, audit[0].GetProperty("after").GetProperty("revokedAt").ValueKind);
        Assert.DoesNotContain(token, audit[1].ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer fm_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Bearer not-a-token")]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    public async Task Unknown_or_malformed_credentials_are_a_401_problem(string header)
    {
        using var client = fixture.CreateAnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/fleet/summary");
        request.Headers.TryAddWithoutValidation("Authorization", header);

        var response = await client.SendAsync(request);

        await Problems.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("""{"name":"ci","role":"root"}""", "role")]
    [InlineData("""{"name":"Has Space","role":"viewer"}""", "name")]
    [InlineData("""{"name":"ci","role":"viewer","expires":"never"}""", "expires")]
    [InlineData("""{"name":"ci","role":7}""", "role")]
    public async Task Invalid_token_request_names_the_field(string body, string field)
    {
        using var admin = fixture.CreateClient();

        var response = await admin.PostAsync("/api/tokens", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await Problems.AssertValidationProblemAsync(response, field);
    }
}
