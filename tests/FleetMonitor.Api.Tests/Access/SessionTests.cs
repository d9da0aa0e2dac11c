using System.Net;
using System.Net.Http.Json;
using FleetMonitor.Api.Access;

namespace FleetMonitor.Api.Tests.Access;

/// <summary>Local users signing in with the session cookie, and the CSRF protection of that cookie.</summary>
public sealed class SessionTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string Password = "correct horse battery";

    [Fact]
    public async Task Signed_in_user_sees_the_fleet_and_a_change_needs_the_csrf_token()
    {
        await fixture.Database.CreateUserAsync("ada", Password, AccessRoles.Admin);
        using var browser = fixture.CreateAnonymousClient();

        var signIn = await Sessions.SignInAsync(browser, "ada", Password, "/dashboard");

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/dashboard", signIn.Headers.Location?.OriginalString);
        var session = await Sessions.GetSessionAsync(browser);
        Assert.Equal("ada", session.GetProperty("name").GetString());
        Assert.Equal("admin", session.GetProperty("role").GetString());
        (await (await browser.GetAsync("/api/fleet/summary")).ReadJsonAsync()).GetProperty("agents").GetInt32();

        // The cookie alone does not make a change: another site's form could send it.
        var site = new { id = "csrf-site", name = "CSRF", timeZone = "UTC" };
        var forged = await browser.PostAsJsonAsync("/api/sites", site);
        await Problems.AssertValidationProblemAsync(forged, AccessSchemes.CsrfHeader);
        using var wrongToken = new HttpRequestMessage(HttpMethod.Post, "/api/sites") { Content = JsonContent.Create(site) };
        wrongToken.Headers.Add(AccessSchemes.CsrfHeader, "not-the-token");
        await Problems.AssertValidationProblemAsync(await browser.SendAsync(wrongToken), AccessSchemes.CsrfHeader);

        using var withToken = new HttpRequestMessage(HttpMethod.Post, "/api/sites") { Content = JsonContent.Create(site) };
        withToken.Headers.Add(AccessSchemes.CsrfHeader, session.GetProperty("csrfToken").GetString());
        await (await browser.SendAsync(withToken)).ReadJsonAsync(HttpStatusCode.Created);

        using var admin = fixture.CreateClient();
        var audit = await (await admin.GetAsync("/api/audit")).ReadJsonAsync();
        var entry = audit.GetProperty("items").EnumerateArray().First(e => e.GetProperty("target").GetString() == "site:csrf-site");
        Assert.Equal("ada", entry.GetProperty("actor").GetString());
        Assert.Equal("site.create", entry.GetProperty("action").GetString());
        Assert.False(entry.TryGetProperty("before", out _), $"A creation has no before: {entry}");
        Assert.Equal("CSRF", entry.GetProperty("after").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Wrong_password_unknown_user_and_forged_form_are_refused()
    {
        await fixture.Database.CreateUserAsync("bea", Password, AccessRoles.Viewer);
        using var browser = fixture.CreateAnonymousClient();

        var wrong = await Sessions.SignInAsync(browser, "bea", "not the password");
        var unknown = await Sessions.SignInAsync(browser, "nobody-here", Password);

        foreach (var answer in new[] { wrong, unknown })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            Assert.Contains("Wrong user name or password.", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/session")).StatusCode);

        // A form posted from elsewhere has no antiforgery token: no session, even with the right password.
        using var forged = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "bea", ["password"] = Password });
        await Problems.AssertValidationProblemAsync(await browser.PostAsync("/login", forged), AccessSchemes.CsrfHeader);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/session")).StatusCode);
    }

    [Fact]
    public async Task Return_url_to_another_site_is_replaced_by_the_dashboard()
    {
        await fixture.Database.CreateUserAsync("cid", Password, AccessRoles.Viewer);
        using var browser = fixture.CreateAnonymousClient();

        var answer = await Sessions.SignInAsync(browser, "cid", Password, "//evil.example/phish");

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal("/", answer.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Disabling_a_user_or_changing_the_role_takes_effect_on_the_open_session()
    {
        await fixture.Database.CreateUserAsync("dan", Password, AccessRoles.Operator);
        using var browser = fixture.CreateAnonymousClient();
        Assert.Equal(HttpStatusCode.Redirect, (await Sessions.SignInAsync(browser, "dan", Password)).StatusCode);
        Assert.Equal("operator", (await Sessions.GetSessionAsync(browser)).GetProperty("role").GetString());

        using var admin = fixture.CreateClient();
        await (await admin.PatchAsJsonAsync("/api/users/dan", new { role = "viewer" })).ReadJsonAsync();
        Assert.Equal("viewer", (await Sessions.GetSessionAsync(browser)).GetProperty("role").GetString());

        await (await admin.PatchAsJsonAsync("/api/users/dan", new { disabled = true })).ReadJsonAsync();
        await Problems.AssertProblemAsync(await browser.GetAsync("/api/session"), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Sessions.SignInAsync(browser, "dan", Password)).StatusCode);

        var audit = await (await admin.GetAsync("/api/audit")).ReadJsonAsync();
        var disabled = audit.GetProperty("items").EnumerateArray().First(e => e.GetProperty("target").GetString() == "user:dan");
        Assert.Equal("user.update", disabled.GetProperty("action").GetString());
        Assert.False(disabled.GetProperty("before").GetProperty("disabled").GetBoolean());
        Assert.True(disabled.GetProperty("after").GetProperty("disabled").GetBoolean());
        Assert.Equal("token:test-admin", disabled.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        await fixture.Database.CreateUserAsync("eve", Password, AccessRoles.Viewer);
        using var browser = fixture.CreateAnonymousClient();
        await Sessions.SignInAsync(browser, "eve", Password);
        var token = (await Sessions.GetSessionAsync(browser)).GetProperty("csrfToken").GetString();

        using var logout = new HttpRequestMessage(HttpMethod.Post, "/logout");
        logout.Headers.Add(AccessSchemes.CsrfHeader, token);
        var answer = await browser.SendAsync(logout);

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/session")).StatusCode);
        var page = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("http://localhost/login?ReturnUrl=", page.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }
}
