using FleetMonitor.Api.Access;
using FleetMonitor.Api.Sites;
using FleetMonitor.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FleetMonitor.Api.Fleet;

/// <summary>The fleet view: latest state of every agent and probe, and its counts. Reads <c>endpoint_state</c> only.</summary>
public static class FleetEndpoints
{
    public static RouteGroupBuilder MapFleetEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/fleet").WithTags("Fleet").RequireViewer();
        group.MapGet("/state", ListStateAsync);
        group.MapGet("/summary", GetSummaryAsync);
        return group;
    }

    private static async Task<Results<Ok<IReadOnlyList<EndpointStateResponse>>, ValidationProblem, ProblemHttpResult>> ListStateAsync(
        string? siteId, SiteStore sites, StateStore states, CancellationToken cancellationToken)
    {
        if (siteId is not null)
        {
            var errors = new RequestErrors();
            errors.AddIfNotNull("siteId", SiteRules.IdError(siteId));
            if (errors.Any)
            {
                return errors.ToProblem();
            }

            if (await sites.GetAsync(siteId, cancellationToken) is null)
            {
                return ApiProblems.NotFound("site", siteId);
            }
        }

        var rows = await states.ListAsync(siteId, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<EndpointStateResponse>>([.. rows.Select(EndpointStateResponse.From)]);
    }

    // Counted here from the state rows: StateStore has no GROUP BY query yet (see the report); the dashboard
    // reads the same rows every refresh anyway.
    private static async Task<Ok<FleetSummary>> GetSummaryAsync(SiteStore sites, StateStore states, CancellationToken cancellationToken)
    {
        var siteRows = await sites.ListAsync(cancellationToken);
        var stateRows = await states.ListAsync(null, cancellationToken);
        var bySite = stateRows.ToLookup(s => s.SiteId, StringComparer.Ordinal);

        var names = siteRows.ToDictionary(s => s.Id, s => s.Name, StringComparer.Ordinal);
        var siteIds = siteRows.Select(s => s.Id).Union(bySite.Select(g => g.Key), StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var perSite = siteIds
            .Select(id => new SiteSummary(
                id,
                names.GetValueOrDefault(id, id),
                bySite[id].Select(s => s.AgentId).Distinct(StringComparer.Ordinal).Count(),
                OutcomeCounts.Count(bySite[id])))
            .ToList();

        return TypedResults.Ok(new FleetSummary(
            stateRows.Select(s => s.AgentId).Distinct(StringComparer.Ordinal).Count(),
            OutcomeCounts.Count(stateRows),
            perSite));
    }
}
