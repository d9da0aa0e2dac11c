using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FleetMonitor.Api.Access;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FleetMonitor.Api.Tests.Access;

/// <summary>
/// Walks the Api's route table: every route must be listed here with the least role it needs, and must answer anonymous
/// callers and callers of a lower role accordingly. A new route fails the first test until it is classified here.
/// </summary>
public sealed class RouteTableTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string Anonymous = "anonymous";

    /// <summary>"METHOD pattern" → the least role that may call it. Patterns as the route table spells them.</summary>
    public static readonly IReadOnlyDictionary<string, string> Expected = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // Any method ("*"): mapped as middleware pipelines, tried with GET.
        ["* /metrics"] = Anonymous,
        ["* /health"] = Anonymous,
        ["* /alive"] = Anonymous,
        ["GET /login"] = Anonymous,
        ["POST /login"] = Anonymous,
        ["GET /dashboard/app.css"] = Anonymous,
        ["POST /logout"] = AccessRoles.Viewer,
        ["GET /openapi/{documentName}.json"] = AccessRoles.Viewer,
        ["GET /"] = AccessRoles.Viewer,
        ["GET /dashboard"] = AccessRoles.Viewer,
        ["GET /dashboard/app.js"] = AccessRoles.Viewer,
        ["GET /api/session"] = AccessRoles.Viewer,
        ["GET /api/sites"] = AccessRoles.Viewer,
        ["GET /api/sites/{siteId}"] = AccessRoles.Viewer,
        ["POST /api/sites"] = AccessRoles.Admin,
        ["GET /api/agents"] = AccessRoles.Viewer,
        ["GET /api/agents/{agentId}"] = AccessRoles.Viewer,
        ["GET /api/agents/{agentId}/state"] = AccessRoles.Viewer,
        ["GET /api/agents/{agentId}/probes/{probeId}/results"] = AccessRoles.Viewer,
        ["GET /api/fleet/state"] = AccessRoles.Viewer,
        ["GET /api/fleet/summary"] = AccessRoles.Viewer,
        ["GET /api/users"] = AccessRoles.Admin,
        ["POST /api/users"] = AccessRoles.Admin,
        ["PATCH /api/users/{name}"] = AccessRoles.Admin,
        ["GET /api/tokens"] = AccessRoles.Admin,
        ["POST /api/tokens"] = AccessRoles.Admin,
        ["DELETE /api/tokens/{id}"] = AccessRoles.Admin,
        ["GET /api/audit"] = AccessRoles.Admin,
        ["GET /api/fleet/overview"] = AccessRoles.Viewer,
        ["GET /api/fleet/breakdown"] = AccessRoles.Viewer,
        ["GET /api/fleet/events"] = AccessRoles.Viewer,
        ["GET /alerts"] = AccessRoles.Viewer,
        ["GET /dashboard/alerts.js"] = AccessRoles.Viewer,
        ["GET /dashboard/alerts.css"] = AccessRoles.Viewer,
        ["GET /silences"] = AccessRoles.Viewer,
        ["GET /dashboard/silences.js"] = AccessRoles.Viewer,
        ["GET /control"] = AccessRoles.Viewer,
        ["GET /dashboard/control.js"] = AccessRoles.Viewer,
        ["GET /dashboard/control.css"] = AccessRoles.Viewer,
        ["GET /api/alerts"] = AccessRoles.Viewer,
        ["GET /api/alerts/{alertId}"] = AccessRoles.Viewer,
        ["POST /api/alerts/{alertId}/acknowledge"] = AccessRoles.Operator,
        ["POST /api/alerts/{alertId}/resolve"] = AccessRoles.Operator,
        ["GET /api/policies/{siteId}"] = AccessRoles.Viewer,
        ["GET /api/policies/{siteId}/versions"] = AccessRoles.Viewer,
        ["PUT /api/policies/{siteId}"] = AccessRoles.Admin,
        ["POST /api/policies/validate"] = AccessRoles.Admin,
        ["GET /api/silences"] = AccessRoles.Viewer,
        ["GET /api/silences/{silenceId}"] = AccessRoles.Viewer,
        ["POST /api/silences"] = AccessRoles.Operator,
        ["DELETE /api/silences/{silenceId}"] = AccessRoles.Operator,
        ["GET /api/sites/{siteId}/definitions"] = AccessRoles.Viewer,
        ["GET /api/sites/{siteId}/definitions/{id}"] = AccessRoles.Viewer,
        ["GET /api/sites/{siteId}/schedule"] = AccessRoles.Viewer,
        ["PUT /api/sites/{siteId}/definitions/{id}"] = AccessRoles.Admin,
        ["DELETE /api/sites/{siteId}/definitions/{id}"] = AccessRoles.Admin,
        ["POST /api/sites/{siteId}/definitions/{id}/validate"] = AccessRoles.Admin,
        ["POST /api/sites/{siteId}/probe-now"] = AccessRoles.Operator,
        ["GET /api/templates"] = AccessRoles.Viewer,
        ["GET /api/templates/{id}"] = AccessRoles.Viewer,
        ["PUT /api/templates/{id}"] = AccessRoles.Admin,
        ["DELETE /api/templates/{id}"] = AccessRoles.Admin,
        ["GET /api/sites/{siteId}/templates"] = AccessRoles.Viewer,
        ["PUT /api/sites/{siteId}/templates/{id}"] = AccessRoles.Admin,
        ["DELETE /api/sites/{siteId}/templates/{id}"] = AccessRoles.Admin,
        ["GET /api/sites/{siteId}/enrolment-tokens"] = AccessRoles.Admin,
        ["POST /api/sites/{siteId}/enrolment-tokens"] = AccessRoles.Admin,
        ["DELETE /api/sites/{siteId}/enrolment-tokens/{id}"] = AccessRoles.Admin,
        ["GET /api/sites/{siteId}/enrolled-agents"] = AccessRoles.Admin,
        ["POST /api/agents/{agentId}/revoke"] = AccessRoles.Admin,
        ["GET /api/reflector/credentials"] = AccessRoles.Admin,
        // An agent enrols with the site's enrolment token in the body.
        ["POST /api/enrol"] = Anonymous,
    };

    // Values that make a GET find something, so that "allowed" is seen as a real answer and not a 404 of a missing route.
    private static readonly Dictionary<string, string> RouteValues = new(StringComparer.Ordinal)
    {
        ["siteId"] = SeedData.AliceSite,
        ["agentId"] = SeedData.AlicePc,
        ["probeId"] = SeedData.PbxProbe,
        ["documentName"] = "v1",
        ["name"] = "nobody",
        ["id"] = "0123456789abcdef",
        ["alertId"] = "1",
    };

    public static TheoryData<string> Routes() => [.. Expected.Keys.Order(StringComparer.Ordinal)];

    [Fact]
    public void Every_route_has_an_expected_role_and_every_expected_route_exists()
    {
        var actual = RouteKeys(fixture.Factory.Services);

        var unclassified = actual.Except(Expected.Keys).Order(StringComparer.Ordinal).ToList();
        Assert.True(unclassified.Count == 0,
            $"Routes without an expected role in RouteTableTests.Expected (add each with the least role it needs): {string.Join(", ", unclassified)}");
        var missing = Expected.Keys.Except(actual).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, $"Expected routes that the Api does not map: {string.Join(", ", missing)}");
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Route_refuses_anonymous_callers_and_lower_roles(string route)
    {
        var role = Expected[route];
        using var anonymous = fixture.CreateAnonymousClient();
        var answer = await SendAsync(anonymous, route, token: null);
        if (role == Anonymous)
        {
            Assert.True(answer.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) && !IsLoginRedirect(answer),
                $"{route} is open to anyone, yet answered {answer.StatusCode} {answer.Headers.Location}");
            return;
        }

        if (IsPage(route))
        {
            Assert.True(IsLoginRedirect(answer), $"{route} answered an anonymous browser {answer.StatusCode}, not a redirect to /login");
        }
        else
        {
            await Problems.AssertProblemAsync(answer, HttpStatusCode.Unauthorized);
        }

        foreach (var lower in AccessRoles.All.Where(r => AccessRoles.Rank(r) < AccessRoles.Rank(role)))
        {
            await Problems.AssertProblemAsync(await SendAsync(anonymous, route, fixture.Token(lower)), HttpStatusCode.Forbidden);
        }

        foreach (var allowed in AccessRoles.All.Where(r => AccessRoles.Rank(r) >= AccessRoles.Rank(role)))
        {
            // Disposed at once: the live-events stream would otherwise run on.
            using var response = await SendAsync(anonymous, route, fixture.Token(allowed));
            Assert.True(response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) && (int)response.StatusCode < 500,
                $"{route} as {allowed} answered {response.StatusCode}");
        }
    }

    [Fact]
    public async Task Unknown_path_is_401_anonymously_and_a_404_problem_when_signed_in()
    {
        using var anonymous = fixture.CreateAnonymousClient();
        await Problems.AssertProblemAsync(await anonymous.GetAsync("/api/no-such-thing"), HttpStatusCode.Unauthorized);

        using var viewer = fixture.CreateClient(AccessRoles.Viewer);
        await Problems.AssertProblemAsync(await viewer.GetAsync("/api/no-such-thing"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Wrong_method_on_a_route_is_a_405_problem()
    {
        using var admin = fixture.CreateClient();
        await Problems.AssertProblemAsync(await admin.PutAsync("/api/sites", new StringContent("{}", Encoding.UTF8, "application/json")),
            HttpStatusCode.MethodNotAllowed);
    }

    private static HashSet<string> RouteKeys(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(method => $"{method} {Normalize(e.RoutePattern.RawText ?? "")}"))
            .ToHashSet(StringComparer.Ordinal);

    private static string Normalize(string pattern)
    {
        var path = "/" + pattern.Trim('/');
        return path.Replace("//", "/", StringComparison.Ordinal);
    }

    private static bool IsPage(string route) =>
        !route.Contains(" /api", StringComparison.Ordinal) && !route.Contains(" /openapi", StringComparison.Ordinal);

    private static bool IsLoginRedirect(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString.Contains("/login", StringComparison.Ordinal) == true;

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string route, string? token)
    {
        var space = route.IndexOf(' ', StringComparison.Ordinal);
        var path = route[(space + 1)..];
        foreach (var (name, value) in RouteValues)
        {
            path = path.Replace($"{{{name}}}", value, StringComparison.Ordinal);
        }

        var method = route[..space] == "*" ? "GET" : route[..space];
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (request.Method != HttpMethod.Get)
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}
