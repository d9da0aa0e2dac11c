using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using FleetMonitor.Api.Access;
using FleetMonitor.Api.Sites;
using FleetMonitor.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Api.Fleet;

/// <summary>The fleet view: latest state of every agent and probe, and its counts. Reads <c>endpoint_state</c> only.</summary>
public static class FleetEndpoints
{
    public static RouteGroupBuilder MapFleetEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/fleet").WithTags("Fleet").RequireViewer();
        group.MapGet("/state", ListStateAsync);
        group.MapGet("/summary", GetSummaryAsync);
        group.MapGet("/overview", GetOverviewAsync);
        group.MapGet("/breakdown", GetBreakdownAsync);
        group.MapGet("/events", Events);
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

    // The overview's parameters are read from the query as a whole: an unknown one is refused, not ignored.
    private static async Task<Results<Ok<FleetView>, ValidationProblem>> GetOverviewAsync(
        HttpRequest request, FleetOverviewSource source, AgentStore agents, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        var query = FleetQuery.Parse(request.Query, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var overview = await source.GetAsync(cancellationToken);
        // The agent list is the one part that costs what the fleet (or the site) has: only when asked for.
        IReadOnlyList<AgentRow> agentRows = query.Agents ? await agents.ListAsync(query.Site, cancellationToken) : [];
        return TypedResults.Ok(query.Apply(overview, agentRows));
    }

    /// <summary>The fleet by NAT type, public network and router, each with its agents by class.</summary>
    private static async Task<Ok<FleetBreakdown>> GetBreakdownAsync(
        FleetOverviewSource source, AgentStore agents, StateStore states, CancellationToken cancellationToken)
    {
        var overview = await source.GetAsync(cancellationToken);
        var agentRows = await agents.ListAsync(null, cancellationToken);
        return TypedResults.Ok(FleetBreakdownBuilder.Build(
            overview.GeneratedAt, [.. agentRows.Select(overview.Describe)], await states.ListNetworkFactsAsync(cancellationToken)));
    }

    /// <summary>
    /// Server-Sent Events: a "changed" event whenever what the fleet view shows may have changed (a state that may not be
    /// ok written, an agent added, removed or moved, an agent going quiet or heard from again: <see cref="FleetVersionStore"/>),
    /// and a "tick" at least every <see cref="FleetOptions.LiveTickInterval"/> otherwise, so that what the version does not
    /// watch (an ok probe's new measurements on an open agent page, a changed offline threshold) shows within it.
    /// </summary>
    private static ServerSentEventsResult<string> Events(
        FleetVersionCache versions, TimeProvider timeProvider, IOptions<FleetOptions> options, CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(Watch(versions, timeProvider, options.Value, cancellationToken));

    private static async IAsyncEnumerable<SseItem<string>> Watch(
        FleetVersionCache versions, TimeProvider timeProvider, FleetOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = await versions.GetAsync(cancellationToken);
        yield return new SseItem<string>(last, "changed");
        var lastSent = timeProvider.GetUtcNow();
        var tick = options.LiveTickInterval;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.LiveCheckInterval, timeProvider, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            var version = await versions.GetAsync(cancellationToken);
            var now = timeProvider.GetUtcNow();
            if (version != last)
            {
                last = version;
                lastSent = now;
                yield return new SseItem<string>(version, "changed");
            }
            else if (now - lastSent >= tick)
            {
                lastSent = now;
                yield return new SseItem<string>(version, "tick");
            }
        }
    }
}
