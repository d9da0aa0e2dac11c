using FleetMonitor.Api.Sites;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FleetMonitor.Api.Definitions;

/// <summary>
/// Probe definitions per site (<c>/api/sites/{siteId}/definitions</c>), the site's schedule as agents get it, and
/// "probe now". Every change bumps the site's schedule version and sends the whole schedule to the site's agents.
/// </summary>
public static class DefinitionEndpoints
{
    public static RouteGroupBuilder MapDefinitionEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/sites/{siteId}").WithTags("Definitions");
        group.MapGet("/definitions", ListAsync);
        group.MapGet("/definitions/{id}", GetAsync);
        group.MapPut("/definitions/{id}", SaveAsync);
        group.MapDelete("/definitions/{id}", DeleteAsync);
        group.MapPost("/definitions/{id}/validate", ValidateAsync);
        group.MapGet("/schedule", GetScheduleAsync);
        group.MapPost("/probe-now", RunNowAsync);
        return group;
    }

    private static async Task<Results<Ok<IReadOnlyList<DefinitionResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string siteId, SiteStore sites, ScheduleStore schedules, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (await SiteProblemAsync(siteId, sites, cancellationToken) is { } problem)
        {
            return problem;
        }

        var now = timeProvider.GetUtcNow();
        var rows = await schedules.ListAsync(siteId, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<DefinitionResponse>>(rows.Select(r => DefinitionResponse.From(r, now)).ToList());
    }

    private static async Task<Results<Ok<DefinitionResponse>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string siteId, string id, SiteStore sites, ScheduleStore schedules, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (await SiteProblemAsync(siteId, sites, cancellationToken) is { } problem)
        {
            return problem;
        }

        var row = await schedules.GetAsync(siteId, id, cancellationToken);
        return row is null ? ApiProblems.NotFound("definition", id) : TypedResults.Ok(DefinitionResponse.From(row, timeProvider.GetUtcNow()));
    }

    /// <summary>Checks a definition without saving it: the page's inline validation, with the next fire times.</summary>
    private static async Task<Results<Ok<IReadOnlyList<DateTimeOffset>>, ValidationProblem, ProblemHttpResult>> ValidateAsync(
        string siteId, string id, HttpRequest request, SiteStore sites, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (await SiteProblemAsync(siteId, sites, cancellationToken) is { } problem)
        {
            return problem;
        }

        var errors = new RequestErrors();
        var body = await JsonBody.ReadAsync<DefinitionRequest>(request, errors, "A JSON object with the probe definition", cancellationToken);
        var now = timeProvider.GetUtcNow();
        var draft = body is null ? null : DefinitionRules.Validate(siteId, id, body, now, errors);
        return draft is null
            ? errors.ToProblem()
            : TypedResults.Ok(DefinitionRules.NextFireTimes(draft.IntervalSeconds, draft.Cron, draft.TimeZone, now));
    }

    private static async Task<Results<Created<SavedDefinitionResponse>, Ok<SavedDefinitionResponse>, ValidationProblem, ProblemHttpResult>> SaveAsync(
        string siteId, string id, HttpRequest request, SiteStore sites, ScheduleStore schedules, ControlPublisher publisher, TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        if (await SiteProblemAsync(siteId, sites, cancellationToken) is { } problem)
        {
            return problem;
        }

        var errors = new RequestErrors();
        var body = await JsonBody.ReadAsync<DefinitionRequest>(request, errors, "A JSON object with the probe definition", cancellationToken);
        var now = timeProvider.GetUtcNow();
        var draft = body is null ? null : DefinitionRules.Validate(siteId, id, body, now, errors);
        if (draft is null)
        {
            return errors.ToProblem();
        }

        var (saved, schedule, created) = await schedules.SaveAsync(draft, cancellationToken);
        var delivered = await publisher.PublishScheduleAsync(schedule, cancellationToken);
        var response = new SavedDefinitionResponse(DefinitionResponse.From(saved, now), schedule.Version, delivered);
        return created
            ? TypedResults.Created($"{ApiHostingExtensions.ApiPrefix}/sites/{siteId}/definitions/{id}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<ScheduleResponse>, ValidationProblem, ProblemHttpResult>> DeleteAsync(
        string siteId, string id, SiteStore sites, ScheduleStore schedules, ControlPublisher publisher, CancellationToken cancellationToken)
    {
        if (await SiteProblemAsync(siteId, sites, cancellationToken) is { } problem)
        {
            return problem;
        }

        var schedule = await schedules.DeleteAsync(siteId, id, cancellationToken);
        if (schedule is null)
        {
            return ApiProblems.NotFound("definition", id);
        }

        await publisher.PublishScheduleAsync(schedule, cancellationToken);
        return TypedResults.Ok(new ScheduleResponse(schedule, await schedules.ListAgentStatusAsync(siteId, cancellationToken)));
    }

    private static async Task<Results<Ok<ScheduleResponse>, ValidationProblem, ProblemHttpResult>> GetScheduleAsync(
        string siteId, SiteStore sites, ScheduleStore schedules, CancellationToken cancellationToken)
    {
        if (await SiteProblemAsync(siteId, sites, cancellationToken) is { } problem)
        {
            return problem;
        }

        var schedule = await schedules.GetScheduleAsync(siteId, cancellationToken);
        return TypedResults.Ok(new ScheduleResponse(schedule, await schedules.ListAgentStatusAsync(siteId, cancellationToken)));
    }

    private static async Task<Results<Accepted<RunNowResponse>, ValidationProblem, ProblemHttpResult>> RunNowAsync(
        string siteId, HttpRequest request, SiteStore sites, ScheduleStore schedules, ControlPublisher publisher, TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        if (await SiteProblemAsync(siteId, sites, cancellationToken) is { } problem)
        {
            return problem;
        }

        var errors = new RequestErrors();
        var body = await JsonBody.ReadAsync<RunNowRequest>(request, errors, "A JSON object naming the definition or ad-hoc probe and the agents", cancellationToken);
        if (body is null)
        {
            return errors.ToProblem();
        }

        if (body.AgentId is not null && (body.AgentId.Length is 0 or > 128 || body.AgentId.Any(char.IsWhiteSpace)))
        {
            errors.Add("agentId", "An agent id, or leave it out for every agent of the site.");
        }

        var now = timeProvider.GetUtcNow();
        var requestId = Guid.CreateVersion7(now);
        ScheduledProbe? probe = null;
        if (body.DefinitionId is not null)
        {
            if (body.Kind is not null || body.Target is not null || body.Parameters is not null || body.TimeoutSeconds is not null)
            {
                errors.Add("definitionId", "Give a definitionId, or an ad-hoc probe (kind, target, parameters, timeoutSeconds), not both.");
            }
            else if (await schedules.GetAsync(siteId, body.DefinitionId, cancellationToken) is { } row)
            {
                probe = new ScheduledProbe
                {
                    Id = row.Id, Version = row.Version, Kind = row.Kind, Target = row.Target, IntervalSeconds = row.IntervalSeconds, Cron = row.Cron,
                    TimeZone = row.TimeZone, TimeoutSeconds = row.TimeoutSeconds, Parameters = row.Parameters,
                };
            }
            else
            {
                errors.Add("definitionId", $"The site has no definition '{body.DefinitionId}'.");
            }
        }
        else
        {
            // An ad-hoc probe is checked as a definition run every 600 s would be: the same kind, target, parameter and timeout rules.
            var adhocId = $"adhoc-{requestId.ToString("N")[^12..]}";
            var draft = DefinitionRules.Validate(
                siteId, "probe-now", new DefinitionRequest(body.Kind, body.Target, DefinitionRules.MaxTimeoutSeconds, null, "UTC", body.TimeoutSeconds, body.Parameters, true),
                now, errors);
            if (draft is not null)
            {
                probe = new ScheduledProbe
                {
                    Id = adhocId, Version = 0, Kind = draft.Kind, Target = draft.Target, IntervalSeconds = null, Cron = null,
                    TimeZone = "UTC", TimeoutSeconds = draft.TimeoutSeconds, Parameters = draft.Parameters,
                };
            }
        }

        if (errors.Any || probe is null)
        {
            return errors.ToProblem();
        }

        var command = new RunProbeNow
        {
            SchemaVersion = RunProbeNow.CurrentSchemaVersion,
            RequestId = requestId,
            SiteId = siteId,
            AgentId = body.AgentId,
            RequestedAt = now,
            Probe = probe,
        };
        var delivered = await publisher.PublishRunNowAsync(command, cancellationToken);
        return TypedResults.Accepted((string?)null, new RunNowResponse(requestId, probe, body.AgentId, delivered));
    }

    private static async Task<ProblemHttpResult?> SiteProblemAsync(string siteId, SiteStore sites, CancellationToken cancellationToken)
    {
        if (SiteRules.IdError(siteId) is not null || await sites.GetAsync(siteId, cancellationToken) is null)
        {
            return ApiProblems.NotFound("site", siteId);
        }

        return null;
    }
}
