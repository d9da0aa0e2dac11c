using FleetMonitor.Api.Access;

namespace FleetMonitor.Api.Dashboard;

/// <summary>Serves the NOC dashboard (a static page that polls the fleet endpoints) from embedded resources.</summary>
public static class DashboardEndpoints
{
    // Everything comes from this origin; no inline script or style, so injected markup could not run even if it got in.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static RouteGroupBuilder MapDashboard(this IEndpointRouteBuilder routes)
    {
        var page = DashboardAsset.Load("index.html", "text/html; charset=utf-8");
        var script = DashboardAsset.Load("app.js", "text/javascript; charset=utf-8");
        var style = DashboardAsset.Load("app.css", "text/css; charset=utf-8");
        var alerts = (Page: DashboardAsset.Load("alerts.html", "text/html; charset=utf-8"), Script: DashboardAsset.Load("alerts.js", "text/javascript; charset=utf-8"), Style: DashboardAsset.Load("alerts.css", "text/css; charset=utf-8"));

        var silences = (Page: DashboardAsset.Load("silences.html", "text/html; charset=utf-8"), Script: DashboardAsset.Load("silences.js", "text/javascript; charset=utf-8"));
        var control = (Page: DashboardAsset.Load("control.html", "text/html; charset=utf-8"), Script: DashboardAsset.Load("control.js", "text/javascript; charset=utf-8"), Style: DashboardAsset.Load("control.css", "text/css; charset=utf-8"));

        var group = routes.MapGroup("/").WithTags("Dashboard").ExcludeFromDescription().RequireViewer();
        group.MapGet("/", Serve(page));
        group.MapGet("/dashboard", Serve(page));
        group.MapGet("/dashboard/app.js", Serve(script));
        // The sign-in page is styled by it too, before anyone is signed in; it holds nothing about the fleet.
        group.MapGet("/dashboard/app.css", Serve(style)).AllowAnonymous();
        group.MapGet("/alerts", Serve(alerts.Page));
        group.MapGet("/dashboard/alerts.js", Serve(alerts.Script));
        group.MapGet("/dashboard/alerts.css", Serve(alerts.Style));
        group.MapGet("/silences", Serve(silences.Page));
        group.MapGet("/dashboard/silences.js", Serve(silences.Script));
        group.MapGet("/control", Serve(control.Page));
        group.MapGet("/dashboard/control.js", Serve(control.Script));
        group.MapGet("/dashboard/control.css", Serve(control.Style));
        return group;
    }

    private static Func<HttpContext, IResult> Serve(DashboardAsset asset) => context =>
    {
        var headers = context.Response.Headers;
        // Revalidate every time (the ETag makes that a 304), so a new build is picked up at once.
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        return TypedResults.Bytes(asset.Content, asset.ContentType, entityTag: asset.ETag);
    };
}
