using System.Globalization;
using FleetMonitor.Storage;
using Microsoft.Playwright;

namespace FleetMonitor.Api.Tests.Dashboard;

/// <summary>
/// The silences page in Debian's Chromium: an operator silences a firing alert from its row on the alerts page (the
/// Api's errors beside the fields first), the alert shows as silenced, the silence is listed with zoned times and is
/// expired again; a viewer is told and refused. That nothing reaches a receiver while a silence made through the same
/// Api applies is shown end to end through Alerting by <c>SilenceTests</c> in FleetMonitor.Alerting.Tests.
/// </summary>
[Collection(DashboardBrowserCollection.Name)]
public sealed class SilencePageBrowserTests(DashboardBrowserFixture fixture)
{
    private const string Site = DashboardBrowserFixture.FreshSite;
    private const string ZonedTime = "GMT\\+1|CET|CEST|GMT\\+2";

    [Fact]
    public async Task Operator_silences_an_alert_from_its_row_with_errors_beside_the_fields_and_the_alert_shows_as_silenced()
    {
        const string Agent = "agent-silence-page";
        var alerts = new AlertStore(fixture.Database.Open(), TimeProvider.System);
        var silences = new SilenceStore(fixture.Database.Open(), TimeProvider.System);
        var alertId = await alerts.OpenAsync(new NewAlert
        {
            Fingerprint = $"{Agent}|pbx-register|silence-page",
            Alertname = "FleetMonitorRegression",
            SiteId = Site,
            AgentId = Agent,
            ProbeId = "pbx-register",
            RuleId = "silence-page",
            Cause = "pbx-register broken",
            Class = "broken",
            Severity = "critical",
            Summary = $"{Agent} cannot register",
            Description = $"{Agent} fails pbx-register.",
        }, [], CancellationToken.None) ?? throw new InvalidOperationException("The alert was not opened.");

        var page = await fixture.Browser.NewPageAsync();
        await BrowserSession.SignInAsync(page, "noc-operator", DashboardBrowserFixture.Password);
        await page.GotoAsync($"/alerts?site={Site}");
        var alertRow = page.Locator($"#alerts tbody tr[data-alert=\"{alertId}\"]");
        Assert.Equal("false", await alertRow.GetAttributeAsync("data-silenced"));
        Assert.Matches(ZonedTime, await alertRow.Locator("td").Nth(7).TextContentAsync() ?? "");
        await alertRow.GetByRole(AriaRole.Link, new() { Name = "Silence…" }).ClickAsync();
        await BrowserSession.WaitForPathAsync(page, "/silences");
        await page.WaitForFunctionAsync($"() => document.getElementById('silence-agent').value === '{Agent}'");
        Assert.Equal(Site, await page.InputValueAsync("#silence-site"));
        Assert.Equal("pbx-register", await page.InputValueAsync("#silence-probe"));
        Assert.Equal("pbx-register broken", await page.InputValueAsync("#silence-cause"));

        // Recurring with a cron that does not parse, no duration and no reason: each of the Api's errors beside its field.
        await page.CheckAsync("#kind-recurring");
        await page.FillAsync("#silence-cron", "every night");
        await page.ClickAsync("#silence-create");
        await page.WaitForSelectorAsync("#field-cron.invalid");
        Assert.Contains("cron", await page.TextContentAsync("#field-cron .field-error") ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.Contains("minutes", await page.TextContentAsync("#field-durationMinutes .field-error") ?? "", StringComparison.Ordinal);
        Assert.NotEqual("", await page.TextContentAsync("#field-comment .field-error"));
        Assert.Equal(0, await page.Locator("#field-agentId.invalid").CountAsync());
        Assert.Contains("Not created", await page.TextContentAsync("#silence-status") ?? "", StringComparison.Ordinal);
        await BrowserSession.ScreenshotAsync(page, "operator-silence-invalid");
        Assert.DoesNotContain(await silences.ListAsync(500, CancellationToken.None), s => s.AgentId == Agent);

        // A maintenance window from now to an hour from now, typed in the browser's zone (Europe/Berlin).
        var endsAt = TimeProvider.System.GetUtcNow().AddHours(1);
        var berlin = TimeZoneInfo.ConvertTime(endsAt, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        await page.CheckAsync("#kind-once");
        await page.FillAsync("#silence-ends", berlin.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture));
        await page.FillAsync("#silence-comment", "router swap tonight");
        await page.ClickAsync("#silence-create");
        await page.WaitForFunctionAsync("() => document.getElementById('silence-status').textContent.startsWith('Silence created (active now)')");
        Assert.Equal(0, await page.Locator("#silence-form .field.invalid").CountAsync());

        var silence = Assert.Single(await silences.ListAsync(500, CancellationToken.None), s => s.AgentId == Agent);
        Assert.Equal(Site, silence.SiteId);
        Assert.Equal("pbx-register", silence.ProbeId);
        Assert.Equal("pbx-register broken", silence.Cause);
        Assert.Null(silence.Class);
        Assert.Equal("noc-operator", silence.CreatedBy);
        Assert.Equal("router swap tonight", silence.Comment);
        Assert.NotNull(silence.EndsAt);
        // The minute typed in Berlin is the UTC minute meant (the seconds were dropped by the field).
        Assert.InRange(silence.EndsAt.Value, endsAt.AddMinutes(-1), endsAt);
        var silenceRow = page.Locator($"#silence-rows tr[data-silence=\"{silence.Id}\"]");
        Assert.Equal("active", await silenceRow.GetAttributeAsync("data-state"));
        Assert.Matches(ZonedTime, await silenceRow.Locator("td.when").TextContentAsync() ?? "");
        Assert.Contains($"agent={Agent}", await silenceRow.Locator("td.matches").TextContentAsync() ?? "", StringComparison.Ordinal);
        await BrowserSession.ScreenshotAsync(page, "operator-silence-created");

        // The alert shows as silenced on the alerts page, held back by that silence.
        Assert.Equal(silence.Id, (await alerts.GetAsync(alertId, CancellationToken.None))?.SilencedBy);
        await page.GotoAsync($"/alerts?site={Site}");
        await page.WaitForSelectorAsync($"#alerts tbody tr[data-alert=\"{alertId}\"][data-silenced=true]");
        Assert.Equal("firing · silenced", await alertRow.Locator("td").First.TextContentAsync());
        Assert.Equal("firing silenced", await alertRow.GetAttributeAsync("class"));
        Assert.Equal(0, await alertRow.GetByRole(AriaRole.Link, new() { Name = "Silence…" }).CountAsync());
        await BrowserSession.ScreenshotAsync(page, "operator-alert-silenced");

        // Ended early from the list.
        await page.GotoAsync("/silences");
        await silenceRow.GetByRole(AriaRole.Button, new() { Name = "Expire" }).ClickAsync();
        await page.WaitForSelectorAsync($"#silence-rows tr[data-silence=\"{silence.Id}\"][data-state=expired]");
        Assert.Equal("Silence expired.", await page.TextContentAsync("#silence-status"));
        Assert.NotNull((await silences.GetAsync(silence.Id, CancellationToken.None))?.ExpiredAt);
    }

    [Fact]
    public async Task Viewer_is_told_and_refused_when_creating_a_silence()
    {
        const string Agent = "agent-silence-viewer";
        var page = await fixture.Browser.NewPageAsync();
        await BrowserSession.SignInAsync(page, "noc-viewer", DashboardBrowserFixture.Password);
        await page.GotoAsync($"/silences?agent={Agent}");
        await page.WaitForSelectorAsync("#role-note:not([hidden])");
        Assert.Contains("viewer", await page.TextContentAsync("#role-note") ?? "", StringComparison.Ordinal);

        await page.FillAsync("#silence-ends", TimeProvider.System.GetUtcNow().AddDays(1).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture));
        await page.FillAsync("#silence-comment", "viewer tries");
        await page.ClickAsync("#silence-create");
        await page.WaitForFunctionAsync("() => document.getElementById('silence-status').textContent.startsWith('Refused')");
        await BrowserSession.ScreenshotAsync(page, "viewer-silence-refused");

        var status = page.Locator("#silence-status");
        Assert.Contains("may not POST", await status.TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Contains("error", await status.GetAttributeAsync("class") ?? "", StringComparison.Ordinal);
        var silences = new SilenceStore(fixture.Database.Open(), TimeProvider.System);
        Assert.DoesNotContain(await silences.ListAsync(500, CancellationToken.None), s => s.AgentId == Agent);
    }
}
