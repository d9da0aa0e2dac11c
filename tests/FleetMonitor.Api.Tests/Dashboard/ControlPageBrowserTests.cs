using FleetMonitor.Contracts;
using FleetMonitor.Storage;

namespace FleetMonitor.Api.Tests.Dashboard;

/// <summary>
/// The probe schedule page in Debian's Chromium, signed in as an admin: a definition edited with its errors shown beside
/// the fields, then saved with its next runs; the shipped template; an enrolment token made; an agent's applied version.
/// </summary>
[Collection(DashboardBrowserCollection.Name)]
public sealed class ControlPageBrowserTests(DashboardBrowserFixture fixture)
{
    private const string Site = "ctl-page";
    private const string Agent = "agent-ctl-page";

    [Fact]
    public async Task Admin_edits_a_definition_with_errors_beside_its_fields_and_sees_next_runs_templates_tokens_and_applied_versions()
    {
        var page = await fixture.Browser.NewPageAsync();
        await BrowserSession.SignInAsync(page, "noc-admin", DashboardBrowserFixture.Password);
        var created = await page.EvaluateAsync<int>(
            """
            async () => {
              const session = await (await fetch('/api/session')).json();
              return (await fetch('/api/sites', { method: 'POST', headers: { 'X-CSRF-TOKEN': session.csrfToken, 'Content-Type': 'application/json' },
                body: JSON.stringify({ id: 'ctl-page', name: 'Control page', timeZone: 'Europe/Berlin' }) })).status;
            }
            """);
        Assert.Equal(201, created);
        await new ScheduleStore(fixture.Database.Open(), TimeProvider.System).RecordAgentStatusAsync(new AgentHeartbeatSent
        {
            SchemaVersion = AgentHeartbeatSent.CurrentSchemaVersion,
            AgentId = Agent,
            SiteId = Site,
            SentAt = TimeProvider.System.GetUtcNow(),
            Hostname = "closet",
            AgentVersion = "1.0.0",
            OutboxBacklog = 0,
            AppliedScheduleVersion = 7,
        }, CancellationToken.None);

        await page.GotoAsync($"/control?site={Site}");
        await page.WaitForSelectorAsync($"#agent-rows tr[data-agent=\"{Agent}\"]");
        Assert.Equal("7", await page.TextContentAsync($"#agent-rows tr[data-agent=\"{Agent}\"] td.applied"));
        // Times carry their zone (the browser's, Europe/Berlin).
        Assert.Matches(DashboardBrowserTests.Zone, await page.TextContentAsync($"#agent-rows tr[data-agent=\"{Agent}\"] td.reported") ?? "");
        await page.WaitForSelectorAsync("#template-rows tr[data-template=\"remote-voip-phone\"]");
        Assert.Contains("pbx, provisioning, reflector, sip_domain", await page.TextContentAsync("#template-rows tr[data-template=\"remote-voip-phone\"]"), StringComparison.Ordinal);

        // Invalid: each error beside its field, nothing saved.
        await page.FillAsync("#def-id", "pbx-tls");
        await page.SelectOptionAsync("#def-kind", "tcp");
        await page.FillAsync("#def-target", "pbx.example.com");
        await page.FillAsync("#def-interval", "60");
        await page.FillAsync("#def-parameters", """{"tls":"true","colour":"red"}""");
        await page.ClickAsync("#def-validate");
        await page.WaitForSelectorAsync("#field-target.invalid");
        Assert.Contains("host:port", await page.TextContentAsync("#field-target .field-error"), StringComparison.Ordinal);
        Assert.Contains("parameters.colour", await page.TextContentAsync("#field-parameters .field-error"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#definition-rows tr[data-definition=\"pbx-tls\"]").CountAsync());
        await BrowserSession.ScreenshotAsync(page, "control-invalid-definition");

        // Fixed: valid with its next runs, then saved and listed with them.
        await page.FillAsync("#def-target", "pbx.example.com:5061");
        await page.FillAsync("#def-parameters", """{"tls":"true"}""");
        await page.ClickAsync("#def-validate");
        await page.WaitForFunctionAsync("() => document.getElementById('def-next').textContent.startsWith('Valid.')");
        Assert.Equal(0, await page.Locator("#editor .field.invalid").CountAsync());
        await page.ClickAsync("#def-save");
        await page.WaitForSelectorAsync("#definition-rows tr[data-definition=\"pbx-tls\"]");
        Assert.Matches(DashboardBrowserTests.Zone, await page.TextContentAsync("#definition-rows tr[data-definition=\"pbx-tls\"] td.next") ?? "");
        Assert.Matches(DashboardBrowserTests.Zone, await page.TextContentAsync("#def-next") ?? "");

        // An enrolment token, shown once and listed as usable.
        await page.ClickAsync("#token-create");
        await page.WaitForFunctionAsync("() => document.getElementById('new-token').textContent.startsWith('fmt_')");
        await page.WaitForSelectorAsync("#token-rows tr");
        Assert.Contains("usable", await page.TextContentAsync("#token-rows tr") ?? "", StringComparison.Ordinal);
        Assert.Matches(DashboardBrowserTests.Zone, await page.TextContentAsync("#token-rows tr td.expires") ?? "");
        await BrowserSession.ScreenshotAsync(page, "control-page");
    }
}
