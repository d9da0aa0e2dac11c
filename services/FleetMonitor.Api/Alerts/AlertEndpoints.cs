using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using FleetMonitor.Alerting.Notifications;
using FleetMonitor.Alerting.Policies;
using FleetMonitor.Api.Access;
using FleetMonitor.Api.Policies;
using FleetMonitor.Api.Sites;
using FleetMonitor.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FleetMonitor.Api.Alerts;

/// <summary>Alerts: list (by site, class, state), read one with its history and deliveries, acknowledge, resolve.</summary>
public static class AlertEndpoints
{
    public const int DefaultLimit = 200;

    public const int MaxLimit = 1000;

    private static readonly string[] QueryKeys = ["site", "class", "state", "limit"];

    private static readonly JsonSerializerOptions BodyJson = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static RouteGroupBuilder MapAlertEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/alerts").WithTags("Alerts");
        group.MapGet("/", ListAsync);
        group.MapGet("/{alertId}", GetAsync);
        group.MapPost("/{alertId}/acknowledge", AcknowledgeAsync);
        group.MapPost("/{alertId}/resolve", ResolveAsync);
        return group;
    }

    private static async Task<Results<Ok<IReadOnlyList<AlertRow>>, ProblemHttpResult>> ListAsync(
        HttpRequest request, AlertStore alerts, CancellationToken cancellationToken)
    {
        foreach (var key in request.Query.Keys)
        {
            if (!QueryKeys.Contains(key))
            {
                return PolicyEndpoints.Invalid(key, $"Unknown query parameter; the parameters are {string.Join(", ", QueryKeys)}.");
            }
        }

        string? site = request.Query["site"], alertClass = request.Query["class"], state = request.Query["state"], limitText = request.Query["limit"];
        if (site is not null && SiteRules.IdError(site) is { } siteError)
        {
            return PolicyEndpoints.Invalid("site", siteError);
        }

        if (alertClass is not null && !AlertClasses.All.Contains(alertClass))
        {
            return PolicyEndpoints.Invalid("class", $"Must be one of {string.Join(", ", AlertClasses.All)}.");
        }

        if (state is not null && !AlertStates.All.Contains(state))
        {
            return PolicyEndpoints.Invalid("state", $"Must be one of {string.Join(", ", AlertStates.All)}.");
        }

        var limit = DefaultLimit;
        if (limitText is not null && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            return PolicyEndpoints.Invalid("limit", $"Must be a whole number from 1 to {MaxLimit}.");
        }

        return TypedResults.Ok(await alerts.ListAsync(site, alertClass, state, limit, cancellationToken));
    }

    private static async Task<Results<Ok<AlertDetails>, ProblemHttpResult>> GetAsync(
        string alertId, AlertStore alerts, NotificationStore notifications, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(alertId, out var id))
        {
            return PolicyEndpoints.Invalid("alertId", "Must be an alert id (a UUID).");
        }

        var alert = await alerts.GetAsync(id, cancellationToken);
        if (alert is null)
        {
            return ApiProblems.NotFound("alert", alertId);
        }

        return TypedResults.Ok(new AlertDetails(
            alert, await alerts.HistoryAsync(id, cancellationToken), await notifications.ListForAlertAsync(id, cancellationToken)));
    }

    private static Task<Results<Ok<AlertRow>, ProblemHttpResult>> AcknowledgeAsync(
        string alertId, HttpRequest request, AlertStore alerts, AuditLog audit, NotificationChannels channels, CancellationToken cancellationToken) =>
        ActAsync(alertId, request, alerts, audit, "alert.acknowledge",
            (id, by, body) => alerts.AcknowledgeAsync(id, by, body.Comment, channels.All, cancellationToken), "firing", cancellationToken);

    private static Task<Results<Ok<AlertRow>, ProblemHttpResult>> ResolveAsync(
        string alertId, HttpRequest request, AlertStore alerts, AuditLog audit, NotificationChannels channels, CancellationToken cancellationToken) =>
        ActAsync(alertId, request, alerts, audit, "alert.resolve",
            (id, by, body) => alerts.ResolveAsync(id, by, body.Comment ?? "resolved by hand", channels.All, cancellationToken), "firing or acknowledged", cancellationToken);

    /// <summary>Acts on an alert as the signed-in user (who acts is never taken from the body), audited.</summary>
    private static async Task<Results<Ok<AlertRow>, ProblemHttpResult>> ActAsync(
        string alertId, HttpRequest request, AlertStore alerts, AuditLog audit, string auditAction,
        Func<Guid, string, AlertActionRequest, Task<bool>> act, string requiredState, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(alertId, out var id))
        {
            return PolicyEndpoints.Invalid("alertId", "Must be an alert id (a UUID).");
        }

        if (!request.HasJsonContentType())
        {
            return ApiProblems.UnsupportedMediaType();
        }

        AlertActionRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<AlertActionRequest>(BodyJson, cancellationToken);
        }
        catch (JsonException e)
        {
            return PolicyEndpoints.Invalid(e.Path is { Length: > 2 } p ? p[2..] : "body",
                "Must be a JSON object with an optional comment, nothing else (who acts is the signed-in user).");
        }

        if (body is null)
        {
            return PolicyEndpoints.Invalid("body", "A JSON object with an optional comment is required.");
        }

        if (body.Comment is { Length: > 1000 })
        {
            return PolicyEndpoints.Invalid("comment", "At most 1000 characters.");
        }

        var before = await alerts.GetAsync(id, cancellationToken);
        if (before is null)
        {
            return ApiProblems.NotFound("alert", alertId);
        }

        var by = request.HttpContext.User.Identity?.Name ?? throw new InvalidOperationException("Acting on an alert needs a signed-in user.");
        if (!await act(id, by, body))
        {
            return ApiProblems.Conflict("Alert state", $"Only a {requiredState} alert can take this action.");
        }

        var after = (await alerts.GetAsync(id, cancellationToken))!;
        await audit.RecordAsync(request.HttpContext.User, auditAction, $"alert:{id}", new { before.State }, new { after.State, body.Comment }, cancellationToken);
        return TypedResults.Ok(after);
    }
}
