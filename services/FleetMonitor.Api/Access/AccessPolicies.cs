using Microsoft.AspNetCore.Authorization;

namespace FleetMonitor.Api.Access;

/// <summary>
/// The authorization policies, one per role, and the extensions that put one on a route or group. Every endpoint
/// without one still needs a signed-in viewer (the fallback policy), and the route-table test demands that each
/// route's role is stated there.
/// </summary>
public static class AccessPolicies
{
    public const string Viewer = "role:viewer";

    public const string Operator = "role:operator";

    public const string Admin = "role:admin";

    public static string For(string role) => role switch
    {
        AccessRoles.Viewer => Viewer,
        AccessRoles.Operator => Operator,
        AccessRoles.Admin => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "not a role"),
    };

    /// <summary>Anyone signed in (viewer, operator, admin).</summary>
    public static TBuilder RequireViewer<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireAuthorization(Viewer);

    /// <summary>Operators and admins.</summary>
    public static TBuilder RequireOperator<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireAuthorization(Operator);

    /// <summary>Admins only.</summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireAuthorization(Admin);

    /// <summary>
    /// Puts a role on each endpoint of a group by its method and route pattern, for a group whose routes need
    /// different roles: <c>group.RequireRoles((method, pattern) =&gt; method == "GET" ? AccessRoles.Viewer : AccessRoles.Admin)</c>.
    /// </summary>
    public static TBuilder RequireRoles<TBuilder>(this TBuilder builder, Func<string, string, string> roleFor)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var methods = endpoint.Metadata.OfType<IHttpMethodMetadata>().LastOrDefault()?.HttpMethods ?? ["*"];
            var pattern = (endpoint as RouteEndpointBuilder)?.RoutePattern.RawText ?? "";
            // Several methods on one endpoint: the strictest of their roles.
            var role = methods.Select(m => roleFor(m, pattern)).MaxBy(AccessRoles.Rank) ?? AccessRoles.Admin;
            endpoint.Metadata.Add(new AuthorizeAttribute(For(role)));
        });
        return builder;
    }
}
