using System.Text.Json;
using FleetMonitor.Api.Definitions;
using FleetMonitor.Api.Sites;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FleetMonitor.Api.Templates;

/// <summary>
/// Templates (<c>/api/templates</c>) and their application to sites (<c>/api/sites/{siteId}/templates</c>). A template
/// changed is made again on every site it is applied to, each site's schedule sent to its agents; when any site's
/// definitions would be invalid, nothing is saved.
/// </summary>
public static class TemplateEndpoints
{
    public static RouteGroupBuilder MapTemplateEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("").WithTags("Templates");
        group.MapGet("/templates", ListAsync);
        group.MapGet("/templates/{id}", GetAsync);
        group.MapPut("/templates/{id}", SaveAsync);
        group.MapDelete("/templates/{id}", DeleteAsync);
        group.MapGet("/sites/{siteId}/templates", ListAppliedAsync);
        group.MapPut("/sites/{siteId}/templates/{id}", ApplyAsync);
        group.MapDelete("/sites/{siteId}/templates/{id}", RemoveAsync);
        return group;
    }

    private static async Task<Ok<IReadOnlyList<TemplateResponse>>> ListAsync(TemplateStore templates, BuiltInTemplates builtIn, CancellationToken cancellationToken)
    {
        await builtIn.EnsureStoredAsync(cancellationToken);
        var applications = await templates.ListApplicationsAsync(null, null, cancellationToken);
        var rows = await templates.ListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<TemplateResponse>>(rows.Select(r => Response(r, applications)).ToList());
    }

    private static async Task<Results<Ok<TemplateResponse>, ProblemHttpResult>> GetAsync(
        string id, TemplateStore templates, BuiltInTemplates builtIn, CancellationToken cancellationToken)
    {
        await builtIn.EnsureStoredAsync(cancellationToken);
        var row = await templates.GetAsync(id, cancellationToken);
        return row is null
            ? ApiProblems.NotFound("template", id)
            : TypedResults.Ok(Response(row, await templates.ListApplicationsAsync(id, null, cancellationToken)));
    }

    private static async Task<Results<Ok<SavedTemplateResponse>, ValidationProblem, ProblemHttpResult>> SaveAsync(
        string id, HttpRequest request, TemplateStore templates, BuiltInTemplates builtIn, ScheduleStore schedules, ControlPublisher publisher,
        TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        await builtIn.EnsureStoredAsync(cancellationToken);
        var errors = new RequestErrors();
        var body = await JsonBody.ReadAsync<TemplateRequest>(request, errors, "A JSON object with the template's name, description and definitions", cancellationToken);
        var now = timeProvider.GetUtcNow();
        var definitions = body is null ? null : TemplateRules.Validate(id, body, now, errors);
        if (body is null || definitions is null)
        {
            return errors.ToProblem();
        }

        // Every site it is applied to must still get valid definitions: checked for all before anything is saved.
        var applications = await templates.ListApplicationsAsync(id, null, cancellationToken);
        var plans = new List<(SiteTemplateRow Application, ApplyTemplateRequest Settings, IReadOnlyList<ProbeDefinitionDraft> Drafts)>();
        foreach (var application in applications)
        {
            var settings = ReadSettings(application.Settings);
            var drafts = TemplateRules.Materialize(application.SiteId, definitions, settings, now, errors, $"sites.{application.SiteId}.");
            if (drafts is not null)
            {
                plans.Add((application, settings, drafts));
            }
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var saved = await templates.SaveAsync(id, body.Name!.Trim(), body.Description ?? "", JsonSerializer.Serialize(definitions, WireFormat.Options), false, cancellationToken);
        var sites = new List<AppliedTemplateResponse>(plans.Count);
        foreach (var (application, settings, drafts) in plans)
        {
            var outcome = await ApplyDraftsAsync(application.SiteId, saved, settings, drafts, schedules, publisher, errors, $"sites.{application.SiteId}.", cancellationToken);
            if (outcome is not null)
            {
                sites.Add(outcome);
            }
        }

        // A site whose own definitions took an id the changed template now uses keeps its previous template definitions.
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        return TypedResults.Ok(new SavedTemplateResponse(Response(saved, applications), sites));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, TemplateStore templates, CancellationToken cancellationToken)
    {
        if (await templates.DeleteUnusedAsync(id, cancellationToken))
        {
            return TypedResults.NoContent();
        }

        return await templates.GetAsync(id, cancellationToken) is null
            ? ApiProblems.NotFound("template", id)
            : ApiProblems.Conflict("Template in use", $"Template '{id}' is applied to sites; take it off them first.");
    }

    private static async Task<Results<Ok<IReadOnlyList<AppliedTemplateResponse>>, ProblemHttpResult>> ListAppliedAsync(
        string siteId, SiteStore sites, TemplateStore templates, ScheduleStore schedules, CancellationToken cancellationToken)
    {
        if (SiteRules.IdError(siteId) is not null || await sites.GetAsync(siteId, cancellationToken) is null)
        {
            return ApiProblems.NotFound("site", siteId);
        }

        var definitions = await schedules.ListAsync(siteId, cancellationToken);
        var applied = await templates.ListApplicationsAsync(null, siteId, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<AppliedTemplateResponse>>(applied.Select(a => new AppliedTemplateResponse(
            siteId, a.TemplateId, a.TemplateVersion, ReadSettings(a.Settings),
            definitions.Where(d => d.TemplateId == a.TemplateId).Select(d => d.Id).ToList(), null, null)).ToList());
    }

    private static async Task<Results<Ok<AppliedTemplateResponse>, ValidationProblem, ProblemHttpResult>> ApplyAsync(
        string siteId, string id, HttpRequest request, SiteStore sites, TemplateStore templates, BuiltInTemplates builtIn, ScheduleStore schedules,
        ControlPublisher publisher, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (SiteRules.IdError(siteId) is not null || await sites.GetAsync(siteId, cancellationToken) is null)
        {
            return ApiProblems.NotFound("site", siteId);
        }

        await builtIn.EnsureStoredAsync(cancellationToken);
        if (await templates.GetAsync(id, cancellationToken) is not { } template)
        {
            return ApiProblems.NotFound("template", id);
        }

        var errors = new RequestErrors();
        var settings = await JsonBody.ReadAsync<ApplyTemplateRequest>(request, errors, "A JSON object with the site's variables and overrides", cancellationToken);
        var drafts = settings is null ? null : TemplateRules.Materialize(siteId, ReadDefinitions(template), settings, timeProvider.GetUtcNow(), errors);
        if (settings is null || drafts is null)
        {
            return errors.ToProblem();
        }

        var applied = await ApplyDraftsAsync(siteId, template, settings, drafts, schedules, publisher, errors, "", cancellationToken);
        return applied is null ? errors.ToProblem() : TypedResults.Ok(applied);
    }

    private static async Task<Results<Ok<ScheduleResponse>, ProblemHttpResult>> RemoveAsync(
        string siteId, string id, ScheduleStore schedules, ControlPublisher publisher, CancellationToken cancellationToken)
    {
        var schedule = await schedules.RemoveTemplateAsync(siteId, id, cancellationToken);
        if (schedule is null)
        {
            return ApiProblems.NotFound("template applied to the site", id);
        }

        await publisher.PublishScheduleAsync(schedule, cancellationToken);
        return TypedResults.Ok(new ScheduleResponse(schedule, await schedules.ListAgentStatusAsync(siteId, cancellationToken)));
    }

    private static async Task<AppliedTemplateResponse?> ApplyDraftsAsync(
        string siteId, ProbeTemplateRow template, ApplyTemplateRequest settings, IReadOnlyList<ProbeDefinitionDraft> drafts, ScheduleStore schedules,
        ControlPublisher publisher, RequestErrors errors, string prefix, CancellationToken cancellationToken)
    {
        SiteScheduleChanged schedule;
        try
        {
            schedule = await schedules.ApplyTemplateAsync(
                siteId, template.Id, template.Version, JsonSerializer.Serialize(settings, WireFormat.Options), drafts, cancellationToken);
        }
        catch (DefinitionConflictException e)
        {
            errors.Add($"{prefix}definitions.{e.DefinitionId}", e.Message + " Delete it, or give the template's definition another id.");
            return null;
        }

        var delivered = await publisher.PublishScheduleAsync(schedule, cancellationToken);
        return new AppliedTemplateResponse(siteId, template.Id, template.Version, settings, drafts.Select(d => d.Id).ToList(), schedule.Version, delivered);
    }

    private static TemplateResponse Response(ProbeTemplateRow row, IReadOnlyList<SiteTemplateRow> applications)
    {
        var definitions = ReadDefinitions(row);
        return new TemplateResponse(
            row.Id, row.Name, row.Description, row.Version, row.UpdatedAt, definitions, TemplateRules.Variables(definitions),
            applications.Where(a => a.TemplateId == row.Id).Select(a => a.SiteId).ToList());
    }

    private static List<TemplateDefinition> ReadDefinitions(ProbeTemplateRow row) =>
        JsonSerializer.Deserialize<List<TemplateDefinition>>(row.Definitions, WireFormat.Options) ?? [];

    private static ApplyTemplateRequest ReadSettings(string json) =>
        JsonSerializer.Deserialize<ApplyTemplateRequest>(json, WireFormat.Options) ?? new ApplyTemplateRequest(null, null);
}
