using FleetMonitor.Alerting.Silences;
using FleetMonitor.Api.Access;
using FleetMonitor.Api.Policies;
using FleetMonitor.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FleetMonitor.Api.Silences;

/// <summary>Silences and maintenance windows: list, read one, create and expire (both audited).</summary>
public static class SilenceEndpoints
{
    public const int ListLimit = 500;

    public static RouteGroupBuilder MapSilenceEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/silences").WithTags("Silences");
        group.MapGet("/", ListAsync);
        group.MapGet("/{silenceId}", GetAsync);
        group.MapPost("/", CreateAsync);
        group.MapDelete("/{silenceId}", ExpireAsync);
        return group;
    }

    private static async Task<Results<Ok<IReadOnlyList<SilenceResponse>>, ProblemHttpResult>> ListAsync(
        HttpRequest request, SilenceStore silences, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (request.Query.Keys.FirstOrDefault() is { } key)
        {
            return PolicyEndpoints.Invalid(key, "Unknown query parameter; this list takes none.");
        }

        var now = timeProvider.GetUtcNow();
        var rows = await silences.ListAsync(ListLimit, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<SilenceResponse>>(rows.Select(r => new SilenceResponse(r, SilenceSchedule.IsActive(r, now))).ToList());
    }

    private static async Task<Results<Ok<SilenceResponse>, ProblemHttpResult>> GetAsync(
        string silenceId, SilenceStore silences, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(silenceId, out var id))
        {
            return PolicyEndpoints.Invalid("silenceId", "Must be a silence id (a UUID).");
        }

        return await silences.GetAsync(id, cancellationToken) is { } row
            ? TypedResults.Ok(new SilenceResponse(row, SilenceSchedule.IsActive(row, timeProvider.GetUtcNow())))
            : ApiProblems.NotFound("silence", silenceId);
    }

    private static async Task<Results<Created<SilenceResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, SilenceStore silences, AlertStore alerts, AuditLog audit, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return ApiProblems.UnsupportedMediaType();
        }

        var errors = new RequestErrors();
        var body = await JsonBody.ReadAsync<CreateSilenceRequest>(request, errors, "A JSON object with the matchers, the times and a comment", cancellationToken);
        if (body is null)
        {
            return errors.ToProblem();
        }

        var now = timeProvider.GetUtcNow();
        SilenceRules.Check(body, now, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var silence = new SilenceRow
        {
            Id = Guid.CreateVersion7(now),
            SiteId = body.SiteId,
            AgentId = body.AgentId,
            ProbeId = body.ProbeId,
            Class = body.Class,
            Cause = body.Cause,
            StartsAt = body.StartsAt ?? now,
            EndsAt = body.EndsAt,
            Cron = body.Cron,
            DurationSeconds = body.DurationMinutes * 60,
            Comment = body.Comment!,
            CreatedBy = request.HttpContext.User.Identity?.Name ?? throw new InvalidOperationException("Creating a silence needs a signed-in user."),
            CreatedAt = now,
        };
        await silences.CreateAsync(silence, cancellationToken);
        await audit.RecordAsync(request.HttpContext.User, "silence.create", $"silence:{silence.Id}", null, silence, cancellationToken);
        var active = SilenceSchedule.IsActive(silence, now);
        if (active)
        {
            // Open alerts it matches show as silenced now; Alerting's refresher lifts that when the silence stops applying.
            await alerts.MarkSilencedByAsync(silence, cancellationToken);
        }

        return TypedResults.Created($"/api/silences/{silence.Id}", new SilenceResponse(silence, active));
    }

    private static async Task<Results<Ok<SilenceResponse>, ProblemHttpResult>> ExpireAsync(
        string silenceId, HttpContext context, SilenceStore silences, AuditLog audit, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(silenceId, out var id))
        {
            return PolicyEndpoints.Invalid("silenceId", "Must be a silence id (a UUID).");
        }

        var before = await silences.GetAsync(id, cancellationToken);
        if (before is null)
        {
            return ApiProblems.NotFound("silence", silenceId);
        }

        if (!await silences.ExpireAsync(id, cancellationToken))
        {
            return ApiProblems.Conflict("Silence state", "The silence has been expired already.");
        }

        var after = (await silences.GetAsync(id, cancellationToken))!;
        await audit.RecordAsync(context.User, "silence.expire", $"silence:{id}", before, after, cancellationToken);
        return TypedResults.Ok(new SilenceResponse(after, false));
    }
}
