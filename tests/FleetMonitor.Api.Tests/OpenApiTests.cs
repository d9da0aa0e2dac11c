using System.Net;
using FleetMonitor.Api.Access;

namespace FleetMonitor.Api.Tests;

/// <summary>The OpenAPI document is served to signed-in users and describes the Api's routes and how to sign in.</summary>
public sealed class OpenApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Document_lists_the_api_routes_and_the_sign_in_schemes()
    {
        using var viewer = fixture.CreateClient(AccessRoles.Viewer);

        var document = await (await viewer.GetAsync("/openapi/v1.json")).ReadJsonAsync();

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal("FleetMonitor Api", document.GetProperty("info").GetProperty("title").GetString());
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/sites", "/api/sites/{siteId}", "/api/agents/{agentId}/probes/{probeId}/results", "/api/fleet/summary", "/api/tokens", "/api/users", "/api/audit" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is not in the document: {string.Join(", ", paths.EnumerateObject().Select(p => p.Name))}");
        }

        Assert.True(paths.GetProperty("/api/sites").TryGetProperty("post", out _));
        // Pages are not part of the Api.
        Assert.False(paths.TryGetProperty("/login", out _));
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("bearer", schemes.GetProperty("apiToken").GetProperty("scheme").GetString());
        Assert.Equal("cookie", schemes.GetProperty("session").GetProperty("in").GetString());
    }

    [Fact]
    public async Task Document_needs_sign_in()
    {
        using var anonymous = fixture.CreateAnonymousClient();

        await Problems.AssertProblemAsync(await anonymous.GetAsync("/openapi/v1.json"), HttpStatusCode.Unauthorized);
    }
}
