using System.Net;
using FleetMonitor.Api.Access;

namespace FleetMonitor.Api.Tests.Dashboard;

public sealed class DashboardEndpointsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/dashboard")]
    public async Task Page_is_served_with_a_strict_content_security_policy(string path)
    {
        using var client = fixture.CreateClient(AccessRoles.Viewer);

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<script src=\"/dashboard/app.js\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/dashboard/app.css\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"last-updated\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"error-banner\"", html, StringComparison.Ordinal);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Script_is_served_and_follows_the_live_events_without_innerHTML()
    {
        using var client = fixture.CreateClient(AccessRoles.Viewer);

        var response = await client.GetAsync("/dashboard/app.js");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        var script = await response.Content.ReadAsStringAsync();
        Assert.Contains("/api/fleet/overview", script, StringComparison.Ordinal);
        Assert.Contains("new EventSource('/api/fleet/events')", script, StringComparison.Ordinal);
        // Data reaches the DOM through textContent only.
        Assert.DoesNotContain("innerHTML", script, StringComparison.Ordinal);
        Assert.DoesNotContain("insertAdjacentHTML", script, StringComparison.Ordinal);
        Assert.DoesNotContain("document.write", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stylesheet_is_served()
    {
        using var client = fixture.CreateClient(AccessRoles.Viewer);

        var response = await client.GetAsync("/dashboard/app.css");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(".badge.class-broken", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unchanged_file_is_a_304_for_its_etag()
    {
        using var client = fixture.CreateClient(AccessRoles.Viewer);
        var first = await client.GetAsync("/dashboard/app.js");
        var etag = first.Headers.ETag ?? throw new InvalidOperationException("No ETag on the script.");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/app.js");
        request.Headers.IfNoneMatch.Add(etag);
        var second = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }
}
