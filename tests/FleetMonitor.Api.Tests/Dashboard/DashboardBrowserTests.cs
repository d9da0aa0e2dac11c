using FleetMonitor.Storage;
using Microsoft.Playwright;

namespace FleetMonitor.Api.Tests.Dashboard;

/// <summary>
/// The dashboard in Debian's Chromium, signed in as each role: sees the fleet with broken, exposed and offline agents in
/// the right places, drills into an agent, filters, and is refused what its role does not allow.
/// </summary>
[Collection(DashboardBrowserCollection.Name)]
public sealed class DashboardBrowserTests(DashboardBrowserFixture fixture)
{
    private const string Password = DashboardBrowserFixture.Password;
    private const string FreshSite = DashboardBrowserFixture.FreshSite;
    private const string ExposedAgent = DashboardBrowserFixture.ExposedAgent;
    private const string BrokenAgent = DashboardBrowserFixture.BrokenAgent;
    private const string OfflineAgent = DashboardBrowserFixture.OfflineAgent;

    /// <summary>A time's zone as Chromium names Europe/Berlin's (the browser sessions' zone) in short form.</summary>
    internal const string Zone = "GMT\\+1|CET|CEST|GMT\\+2";
    private const string HostileAgent = DashboardBrowserFixture.HostileAgent;

    private BrowserSession Browser => fixture.Browser;

    [Fact]
    public async Task Viewer_sees_broken_exposed_and_offline_agents_drills_into_one_and_is_refused_changes()
    {
        var page = await Browser.NewPageAsync();
        await BrowserSession.SignInAsync(page, "noc-viewer", Password);
        await page.WaitForSelectorAsync($"tr.problem[data-agent=\"{BrokenAgent}\"]");
        await BrowserSession.ScreenshotAsync(page, "viewer-fleet");

        Assert.Equal("viewer", await page.TextContentAsync("#user-role"));
        Assert.Equal("broken", await page.GetAttributeAsync($"tr.problem[data-agent=\"{BrokenAgent}\"]", "data-class"));
        Assert.Equal("exposed", await page.GetAttributeAsync($"tr.problem[data-agent=\"{ExposedAgent}\"]", "data-class"));
        Assert.Equal("offline", await page.GetAttributeAsync($"tr.problem[data-agent=\"{OfflineAgent}\"]", "data-class"));
        // The seeded agents stopped reporting long ago: offline, not whatever their last results said.
        Assert.Equal("offline", await page.GetAttributeAsync($"tr.problem[data-agent=\"{SeedData.BobPc}\"]", "data-class"));
        // Worst first.
        var classes = await page.EvalOnSelectorAllAsync<string[]>("tr.problem", "rows => rows.map(r => r.dataset.class)");
        Assert.Equal(classes.OrderBy(c => Array.IndexOf(["broken", "exposed", "offline", "degraded"], c)), classes);
        Assert.Contains("exposure.open.5060/udp", await page.TextContentAsync($"tr.problem[data-agent=\"{ExposedAgent}\"]"), StringComparison.Ordinal);
        // The site's tile counts each agent once, in its worst class: dave and the hostile agent broken, carol exposed, erin offline.
        var tile = $".tile[data-site=\"{FreshSite}\"]";
        Assert.Equal("2", await page.GetAttributeAsync($"{tile} .tile-count[data-class=broken]", "data-count"));
        Assert.Equal("1", await page.GetAttributeAsync($"{tile} .tile-count[data-class=exposed]", "data-count"));
        Assert.Equal("1", await page.GetAttributeAsync($"{tile} .tile-count[data-class=offline]", "data-count"));
        // Times carry their zone (the browser's, Europe/Berlin): the page's update time and each problem's since.
        Assert.Matches(Zone, await page.TextContentAsync("#last-updated") ?? "");
        Assert.Matches(Zone, await page.TextContentAsync($"tr.problem[data-agent=\"{ExposedAgent}\"] td.time") ?? "");

        // Markup in data is text.
        Assert.DoesNotContain("pwned", await page.TitleAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("img[src=x]").CountAsync());
        Assert.Contains(HostileAgent, await page.TextContentAsync("#problem-rows") ?? "", StringComparison.Ordinal);

        // Search narrows the list to the matching problem.
        await page.FillAsync("#filter-text", "5060/udp");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('tr.problem').length === 1");
        Assert.Equal(ExposedAgent, await page.GetAttributeAsync("tr.problem", "data-agent"));
        await page.FillAsync("#filter-text", "");
        await page.SelectOptionAsync("#filter-class", "offline");
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('tr.problem')].every(r => r.dataset.class === 'offline')");

        // Drill into the broken agent: its probes and the media history charts.
        await page.SelectOptionAsync("#filter-class", "");
        await page.ClickAsync($"tr.problem[data-agent=\"{BrokenAgent}\"] a.agent-link");
        await page.WaitForSelectorAsync("figure.chart[data-measurement=\"media mos_plc\"]");
        Assert.Equal("failed", await page.GetAttributeAsync("#agent-probe-rows tr[data-probe=media]", "data-outcome"));
        Assert.Contains("9 results", await page.TextContentAsync("figure.chart[data-measurement=\"media mos_plc\"] figcaption"), StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator("figure.chart[data-measurement=\"media loss_ratio\"]").CountAsync());
        Assert.Contains($"{BrokenAgent}-host", await page.TextContentAsync("#agent-meta"), StringComparison.Ordinal);
        Assert.Matches(Zone, await page.TextContentAsync("#agent-meta") ?? "");
        Assert.Matches(Zone, await page.TextContentAsync("#agent-probe-rows tr[data-probe=media] td.time") ?? "");
        Assert.Matches(Zone, await page.TextContentAsync("figure.chart[data-measurement=\"media mos_plc\"] .chart-range") ?? "");
        await BrowserSession.ScreenshotAsync(page, "viewer-agent");

        // A viewer changes nothing, even with a valid CSRF token.
        Assert.Equal(403, await FetchStatusAsync(page, "POST", "/api/sites", """{"id":"viewer-site","name":"V","timeZone":"UTC"}"""));
        Assert.Equal(403, await FetchStatusAsync(page, "GET", "/api/users", null));
    }

    [Theory]
    [InlineData("operator", 403, 403)]
    [InlineData("admin", 201, 200)]
    public async Task Role_decides_what_the_signed_in_browser_may_change(string role, int createSite, int listUsers)
    {
        var page = await Browser.NewPageAsync();
        await BrowserSession.SignInAsync(page, $"noc-{role}", Password);
        await page.WaitForSelectorAsync("tr.problem");
        await BrowserSession.ScreenshotAsync(page, $"{role}-fleet");

        Assert.Equal(createSite, await FetchStatusAsync(page, "POST", "/api/sites", $$"""{"id":"{{role}}-site","name":"R","timeZone":"UTC"}"""));
        Assert.Equal(listUsers, await FetchStatusAsync(page, "GET", "/api/users", null));
        // Without the CSRF token the cookie alone is not enough, whatever the role.
        Assert.Equal(400, await page.EvaluateAsync<int>("async () => (await fetch('/logout', { method: 'POST' })).status"));
    }

    [Fact]
    public async Task Anonymous_browser_is_sent_to_sign_in_and_a_wrong_password_is_refused()
    {
        var page = await Browser.NewPageAsync();
        await page.GotoAsync("/#agent=agent-dave-pc");
        await BrowserSession.WaitForPathAsync(page, "/login");
        await page.FillAsync("#username", "noc-viewer");
        await page.FillAsync("#password", "wrong password");
        await page.ClickAsync("#sign-in");
        await page.WaitForSelectorAsync("#login-error");
        await BrowserSession.ScreenshotAsync(page, "anonymous-login-refused");
        Assert.Equal(401, (await page.APIRequest.GetAsync("/api/fleet/overview")).Status);
    }

    [Fact]
    public async Task Dashboard_fits_a_phone_screen()
    {
        var page = await Browser.NewPageAsync(390, 844);
        await BrowserSession.SignInAsync(page, "noc-viewer", Password);
        await page.WaitForSelectorAsync("tr.problem");
        await BrowserSession.ScreenshotAsync(page, "viewer-phone");

        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"The page is {overflow} px wider than a 390 px phone screen");
    }

    [Fact]
    public async Task Site_status_page_lists_every_agent_of_the_site_worst_first_with_the_offline_one_marked()
    {
        var page = await Browser.NewPageAsync();
        await BrowserSession.SignInAsync(page, "noc-viewer", Password);
        await page.ClickAsync($"tr.problem[data-agent=\"{OfflineAgent}\"] a.site-link");
        await page.WaitForSelectorAsync($"tr.site-agent[data-agent=\"{OfflineAgent}\"]");
        await BrowserSession.ScreenshotAsync(page, "viewer-site");

        Assert.EndsWith($"#site={FreshSite}", page.Url, StringComparison.Ordinal);
        Assert.Equal("offline", await page.GetAttributeAsync($"tr.site-agent[data-agent=\"{OfflineAgent}\"]", "data-class"));
        Assert.Equal("broken", await page.GetAttributeAsync($"tr.site-agent[data-agent=\"{BrokenAgent}\"]", "data-class"));
        Assert.Equal("exposed", await page.GetAttributeAsync($"tr.site-agent[data-agent=\"{ExposedAgent}\"]", "data-class"));
        // Every agent of the site (ok ones too, had it any), worst first, and none of another site.
        var classes = await page.EvalOnSelectorAllAsync<string[]>("tr.site-agent", "rows => rows.map(r => r.dataset.class)");
        Assert.Equal(["broken", "broken", "exposed", "offline"], classes);
        Assert.Equal("2", await page.GetAttributeAsync("#site-counts li[data-class=broken]", "data-count"));
        Assert.Equal("1", await page.GetAttributeAsync("#site-counts li[data-class=offline]", "data-count"));
        Assert.Contains($"{OfflineAgent}-host", await page.TextContentAsync($"tr.site-agent[data-agent=\"{OfflineAgent}\"]"), StringComparison.Ordinal);
        Assert.True(await page.IsHiddenAsync("#fleet-view"));

        // On into an agent from the site page.
        await page.ClickAsync($"tr.site-agent[data-agent=\"{BrokenAgent}\"] a.agent-link");
        await page.WaitForSelectorAsync("#agent-probe-rows tr[data-probe=media]");
        Assert.True(await page.IsHiddenAsync("#site-view"));
    }

    [Fact]
    public async Task Breakdown_counts_agents_by_nat_type_public_network_and_router()
    {
        var page = await Browser.NewPageAsync();
        await BrowserSession.SignInAsync(page, "noc-viewer", Password);
        var symmetric = "#breakdown-natTypes tr[data-value=\"symmetric\"]";
        await page.WaitForSelectorAsync(symmetric);
        await page.Locator("#breakdown-title").ScrollIntoViewIfNeededAsync();
        await BrowserSession.ScreenshotAsync(page, "viewer-breakdown");

        Assert.Equal("1", await page.GetAttributeAsync(symmetric, "data-agents"));
        Assert.Equal("1", await page.GetAttributeAsync(symmetric, "data-broken"));
        // dave (nat's mapped address) and carol (exposure's public address) share 198.51.100.0/24.
        var network = "#breakdown-networks tr[data-value=\"198.51.100.0/24\"]";
        Assert.Equal("2", await page.GetAttributeAsync(network, "data-agents"));
        Assert.Equal("1 broken · 1 exposed", await page.TextContentAsync($"{network} td.classes"));
        var router = "#breakdown-routers tr[data-value=\"FRITZ!Box 7590\"]";
        Assert.Equal("1", await page.GetAttributeAsync(router, "data-exposed"));
        // erin said nothing about her network: unknown, and offline there.
        Assert.NotEqual("0", await page.GetAttributeAsync("#breakdown-routers tr[data-value=unknown]", "data-offline"));
        // No address leaks beyond its /24.
        Assert.DoesNotContain("198.51.100.23", await page.TextContentAsync("#breakdown-networks"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("oidc-viewer", "viewer", 403)]
    [InlineData("oidc-operator", "operator", 403)]
    [InlineData("oidc-admin", "admin", 200)]
    public async Task Company_account_signs_in_through_the_oidc_provider_with_the_role_its_groups_map_to(string account, string role, int listUsers)
    {
        var page = await Browser.NewPageAsync();
        await BrowserSession.SignInWithOidcAsync(page, account);
        await page.WaitForSelectorAsync($"tr.problem[data-agent=\"{BrokenAgent}\"]");
        await BrowserSession.ScreenshotAsync(page, $"oidc-{role}-fleet");

        Assert.Equal(role, await page.TextContentAsync("#user-role"));
        Assert.Equal("broken", await page.GetAttributeAsync($"tr.problem[data-agent=\"{BrokenAgent}\"]", "data-class"));
        Assert.Equal("exposed", await page.GetAttributeAsync($"tr.problem[data-agent=\"{ExposedAgent}\"]", "data-class"));
        Assert.Equal("offline", await page.GetAttributeAsync($"tr.problem[data-agent=\"{OfflineAgent}\"]", "data-class"));

        // Drill into the exposed agent.
        await page.ClickAsync($"tr.problem[data-agent=\"{ExposedAgent}\"] a.agent-link");
        await page.WaitForSelectorAsync("#agent-probe-rows tr[data-probe=exposure]");
        Assert.Equal("degraded", await page.GetAttributeAsync("#agent-probe-rows tr[data-probe=exposure]", "data-outcome"));
        Assert.Contains($"{ExposedAgent}-host", await page.TextContentAsync("#agent-meta"), StringComparison.Ordinal);
        await BrowserSession.ScreenshotAsync(page, $"oidc-{role}-agent");

        Assert.Equal(listUsers, await FetchStatusAsync(page, "GET", "/api/users", null));
        // The account is kept as a user without a password, with the role its groups gave it.
        var user = await new UserStore(fixture.Database.Open(), TimeProvider.System).GetAsync(account, CancellationToken.None);
        Assert.NotNull(user);
        Assert.Equal(role, user.Role);
        Assert.Null(user.PasswordHash);
    }

    [Theory]
    [InlineData("oidc-outsider")]
    [InlineData("noc-admin")]
    public async Task Company_account_without_a_mapped_group_or_named_like_a_local_user_is_refused(string account)
    {
        var page = await Browser.NewPageAsync();
        await BrowserSession.SignInWithOidcAsync(page, account);
        await page.WaitForSelectorAsync("#login-error");
        await BrowserSession.ScreenshotAsync(page, $"oidc-refused-{account}");

        Assert.Contains("/login?error=oidc", page.Url, StringComparison.Ordinal);
        Assert.Contains("company account", await page.TextContentAsync("#login-error"), StringComparison.Ordinal);
        Assert.Equal(401, (await page.APIRequest.GetAsync("/api/fleet/overview")).Status);
        var user = await new UserStore(fixture.Database.Open(), TimeProvider.System).GetAsync(account, CancellationToken.None);
        if (account == "noc-admin")
        {
            // The local admin is untouched: still a password, still admin.
            Assert.NotNull(user?.PasswordHash);
            Assert.Equal("admin", user.Role);
        }
        else
        {
            Assert.Null(user);
        }
    }

    [Fact]
    public async Task Operator_signed_in_by_oidc_acknowledges_an_alert_and_a_viewer_is_refused()
    {
        var alerts = new AlertStore(fixture.Database.Open(), TimeProvider.System);

        var viewer = await Browser.NewPageAsync();
        viewer.Dialog += async (_, dialog) => await dialog.AcceptAsync("viewer was here");
        await BrowserSession.SignInAsync(viewer, "noc-viewer", Password);
        await viewer.GotoAsync("/alerts");
        var viewerRow = viewer.Locator("#alerts tbody tr", new() { HasText = ExposedAgent });
        await viewerRow.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        // One look at the status: the page's next refresh replaces the refusal with the alert count.
        await viewer.WaitForFunctionAsync("() => { const t = document.getElementById('alerts-status').textContent; return t.includes('may not POST') && t.includes('viewer'); }");
        await BrowserSession.ScreenshotAsync(viewer, "viewer-acknowledge-refused");
        Assert.Equal("firing", (await alerts.GetAsync(fixture.ExposedAlert, CancellationToken.None))?.State);
        Assert.Equal("firing", await viewerRow.GetAttributeAsync("class"));

        var operatorPage = await Browser.NewPageAsync();
        operatorPage.Dialog += async (_, dialog) => await dialog.AcceptAsync("looking at it");
        await BrowserSession.SignInWithOidcAsync(operatorPage, "oidc-operator");
        await operatorPage.WaitForFunctionAsync("() => (document.getElementById('user-role')?.textContent ?? '') === 'operator'");
        await operatorPage.GotoAsync("/alerts");
        var row = operatorPage.Locator("#alerts tbody tr", new() { HasText = BrokenAgent });
        await row.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        await operatorPage.Locator("#alerts tbody tr.acknowledged", new() { HasText = BrokenAgent }).WaitForAsync();
        await BrowserSession.ScreenshotAsync(operatorPage, "operator-acknowledged");
        Assert.StartsWith("acknowledged", await operatorPage.TextContentAsync("#alerts-status"), StringComparison.Ordinal);
        var acknowledged = await alerts.GetAsync(fixture.BrokenAlert, CancellationToken.None);
        Assert.NotNull(acknowledged);
        Assert.Equal("acknowledged", acknowledged.State);
        Assert.Equal("oidc-operator", acknowledged.AcknowledgedBy);
        Assert.Equal("looking at it", acknowledged.AckComment);
    }

    private static Task<int> FetchStatusAsync(IPage page, string method, string url, string? body) => page.EvaluateAsync<int>(
        """
        async ([method, url, body]) => {
          const session = await (await fetch('/api/session')).json();
          const init = { method, headers: { 'X-CSRF-TOKEN': session.csrfToken, 'Content-Type': 'application/json' } };
          if (body !== null) init.body = body;
          return (await fetch(url, init)).status;
        }
        """,
        new object?[] { method, url, body });
}
