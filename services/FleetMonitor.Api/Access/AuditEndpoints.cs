using System.Globalization;
using FleetMonitor.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FleetMonitor.Api.Access;

/// <summary>The audit log (admin only), newest first, paged with <c>before</c>.</summary>
public static class AuditEndpoints
{
    public const int DefaultLimit = 100;

    public const int MaxLimit = 1000;

    public static RouteHandlerBuilder MapAuditEndpoints(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/audit", ListAsync).WithTags("Audit").RequireAdmin();

    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> ListAsync(
        string? limit, string? before, AuditStore audit, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        var pageSize = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxLimit))
        {
            errors.Add("limit", $"limit is a whole number from 1 to {MaxLimit}.");
        }

        long? cursor = null;
        if (before is not null)
        {
            if (long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                cursor = id;
            }
            else
            {
                errors.Add("before", "before is an audit entry id (the 'next' of the previous page).");
            }
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var rows = await audit.ListAsync(cursor, pageSize, cancellationToken);
        return TypedResults.Ok(new AuditPage([.. rows.Select(AuditEntryResponse.From)], rows.Count == pageSize ? rows[^1].Id : null));
    }
}
