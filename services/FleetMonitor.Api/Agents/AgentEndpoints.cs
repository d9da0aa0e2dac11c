using System.Globalization;
using FleetMonitor.Api.Access;
using FleetMonitor.Api.Fleet;
using FleetMonitor.Api.Sites;
using FleetMonitor.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FleetMonitor.Api.Agents;

/// <summary>Agents: list, read one, its latest state per probe, and one probe's result history.</summary>
public static class AgentEndpoints
{
    public const int DefaultLimit = 50;

    public const int MaxLimit = 500;

    public static RouteGroupBuilder MapAgentEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/agents").WithTags("Agents").RequireViewer();
        group.MapGet("/", ListAsync);
        group.MapGet("/{agentId}", GetAsync);
        group.MapGet("/{agentId}/state", GetStateAsync);
        group.MapGet("/{agentId}/probes/{probeId}/results", GetResultsAsync);
        return group;
    }

    private static async Task<Results<Ok<IReadOnlyList<AgentRow>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string? siteId, SiteStore sites, AgentStore agents, CancellationToken cancellationToken)
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

        return TypedResults.Ok(await agents.ListAsync(siteId, cancellationToken));
    }

    private static async Task<Results<Ok<AgentRow>, ProblemHttpResult>> GetAsync(
        string agentId, AgentStore agents, CancellationToken cancellationToken)
    {
        var agent = await agents.GetAsync(agentId, cancellationToken);
        return agent is null ? ApiProblems.NotFound("agent", agentId) : TypedResults.Ok(agent);
    }

    private static async Task<Results<Ok<IReadOnlyList<EndpointStateResponse>>, ProblemHttpResult>> GetStateAsync(
        string agentId, AgentStore agents, StateStore states, CancellationToken cancellationToken)
    {
        if (await agents.GetAsync(agentId, cancellationToken) is null)
        {
            return ApiProblems.NotFound("agent", agentId);
        }

        var rows = await states.ListForAgentAsync(agentId, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<EndpointStateResponse>>([.. rows.Select(EndpointStateResponse.From)]);
    }

    // limit and before arrive as text: a typed parameter that does not parse would get an empty 400 from the binder.
    private static async Task<Results<Ok<ResultPage>, ValidationProblem, ProblemHttpResult>> GetResultsAsync(
        string agentId, string probeId, string? limit, string? before,
        AgentStore agents, StateStore states, ResultStore results, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        var pageSize = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxLimit))
        {
            errors.Add("limit", $"limit is a whole number from 1 to {MaxLimit}.");
        }

        Guid? cursor = null;
        if (before is not null)
        {
            if (Guid.TryParseExact(before, "D", out var id))
            {
                cursor = id;
            }
            else
            {
                errors.Add("before", "before is a result id (a UUID such as the 'next' of the previous page).");
            }
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        if (await agents.GetAsync(agentId, cancellationToken) is null)
        {
            return ApiProblems.NotFound("agent", agentId);
        }

        // A probe has a state row as soon as one of its results is stored, so no state means no such probe for this agent.
        var probeStates = await states.ListForAgentAsync(agentId, cancellationToken);
        if (!probeStates.Any(s => s.ProbeId == probeId))
        {
            return ApiProblems.NotFound("probe", probeId);
        }

        var rows = await results.GetHistoryAsync(agentId, probeId, cursor, pageSize, cancellationToken);
        var next = rows.Count == pageSize ? rows[^1].Id : (Guid?)null;
        return TypedResults.Ok(new ResultPage([.. rows.Select(ProbeResultResponse.From)], next));
    }
}
