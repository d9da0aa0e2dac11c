using System.Net;
using System.Net.Http.Json;
using Dapper;

namespace FleetMonitor.Api.Tests.Access;

/// <summary>Local users made by an admin: hashed with the framework's hasher, validated, audited without the password.</summary>
public sealed class UserEndpointsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Created_user_can_sign_in_and_the_password_is_stored_hashed_and_never_audited()
    {
        using var admin = fixture.CreateClient();
        const string Password = "a long enough secret";

        var created = await (await admin.PostAsJsonAsync("/api/users", new { name = "noc-1", password = Password, role = "viewer" }))
            .ReadJsonAsync(HttpStatusCode.Created);

        Assert.Equal("viewer", created.GetProperty("role").GetString());
        Assert.False(created.TryGetProperty("passwordHash", out _));
        await using (var connection = await fixture.Database.Open().OpenAsync(CancellationToken.None))
        {
            var hash = await connection.QuerySingleAsync<string>("SELECT password_hash FROM users WHERE name = 'noc-1'");
            Assert.DoesNotContain(Password, hash, StringComparison.Ordinal);
            // ASP.NET Core Identity's v3 format: PBKDF2, base64 starting with the 0x01 marker.
            Assert.Equal(0x01, Convert.FromBase64String(hash)[0]);
        }

        using var browser = fixture.CreateAnonymousClient();
        Assert.Equal(HttpStatusCode.Redirect, (await Sessions.SignInAsync(browser, "noc-1", Password)).StatusCode);

        var audit = await (await admin.GetAsync("/api/audit")).ReadJsonAsync();
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("target").GetString() == "user:noc-1");
        Assert.DoesNotContain(Password, audit.ToString(), StringComparison.Ordinal);

        await Problems.AssertProblemAsync(
            await admin.PostAsJsonAsync("/api/users", new { name = "noc-1", password = Password, role = "viewer" }), HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("""{"name":"x","password":"short","role":"viewer"}""", "password")]
    [InlineData("""{"name":"x","password":"long enough password","role":"superuser"}""", "role")]
    [InlineData("""{"name":"UPPER","password":"long enough password","role":"viewer"}""", "name")]
    [InlineData("""{"name":"x","password":"long enough password","role":"viewer","isAdmin":true}""", "isAdmin")]
    [InlineData("""{"name":"x",""", "body")]
    public async Task Invalid_user_request_names_the_field(string body, string field)
    {
        using var admin = fixture.CreateClient();

        var response = await admin.PostAsync("/api/users", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await Problems.AssertValidationProblemAsync(response, field);
    }

    [Fact]
    public async Task Admin_cannot_demote_themselves()
    {
        await fixture.Database.CreateUserAsync("root-ish", "a long enough secret", "admin");
        using var browser = fixture.CreateAnonymousClient();
        await Sessions.SignInAsync(browser, "root-ish", "a long enough secret");
        var csrf = (await Sessions.GetSessionAsync(browser)).GetProperty("csrfToken").GetString();

        using var request = new HttpRequestMessage(HttpMethod.Patch, "/api/users/root-ish") { Content = JsonContent.Create(new { role = "viewer" }) };
        request.Headers.Add("X-CSRF-TOKEN", csrf);

        await Problems.AssertProblemAsync(await browser.SendAsync(request), HttpStatusCode.Conflict);
    }
}
