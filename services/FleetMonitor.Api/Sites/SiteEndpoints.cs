using FleetMonitor.Api.Access;
using FleetMonitor.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FleetMonitor.Api.Sites;

/// <summary>Sites: list and read one (viewer), create (admin, audited).</summary>
public static class SiteEndpoints
{
    public const string GetSiteRoute = "GetSite";

    public static RouteGroupBuilder MapSiteEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/sites").WithTags("Sites");
        group.MapGet("/", ListAsync).RequireViewer();
        group.MapGet("/{siteId}", GetAsync).WithName(GetSiteRoute).RequireViewer();
        group.MapPost("/", CreateAsync).RequireAdmin();
        return group;
    }

    private static async Task<Ok<IReadOnlyList<SiteRow>>> ListAsync(SiteStore sites, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sites.ListAsync(cancellationToken));

    private static async Task<Results<Ok<SiteRow>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string siteId, SiteStore sites, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        errors.AddIfNotNull("siteId", SiteRules.IdError(siteId));
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var site = await sites.GetAsync(siteId, cancellationToken);
        return site is null ? ApiProblems.NotFound("site", siteId) : TypedResults.Ok(site);
    }

    // The body is read here rather than bound: a body the binder cannot read would get an empty 400, not a problem naming the field.
    private static async Task<Results<CreatedAtRoute<SiteRow>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, SiteStore sites, AuditLog audit, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return ApiProblems.UnsupportedMediaType();
        }

        var errors = new RequestErrors();
        var body = await JsonBody.ReadAsync<CreateSiteRequest>(request, errors, "A JSON object with id, name and timeZone", cancellationToken);
        if (body is null)
        {
            return errors.ToProblem();
        }

        errors.AddIfNotNull("id", SiteRules.IdError(body.Id));
        errors.AddIfNotNull("name", SiteRules.NameError(body.Name));
        errors.AddIfNotNull("timeZone", SiteRules.TimeZoneError(body.TimeZone));
        if (errors.Any || body is not { Id: { } id, Name: { } name, TimeZone: { } timeZone })
        {
            return errors.ToProblem();
        }

        if (!await sites.CreateAsync(id, name, timeZone, cancellationToken))
        {
            return ApiProblems.Conflict("Site exists", $"A site with the id '{id}' exists already.");
        }

        var site = await sites.GetAsync(id, cancellationToken)
            ?? throw new InvalidOperationException($"Site {id} vanished right after it was created.");
        await audit.RecordAsync(request.HttpContext.User, "site.create", $"site:{id}", null, site, cancellationToken);
        return TypedResults.CreatedAtRoute(site, GetSiteRoute, new { siteId = site.Id });
    }
}
