using System.Text;
using FleetMonitor.Alerting.Policies;
using FleetMonitor.Api.Sites;
using FleetMonitor.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FleetMonitor.Api.Policies;

/// <summary>Site alerting policies: read the one in force, its versions, validate, and save a new version (docs/policies.md).</summary>
public static class PolicyEndpoints
{
    /// <summary>Largest policy document accepted.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    public static RouteGroupBuilder MapPolicyEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/policies").WithTags("Policies");
        group.MapPost("/validate", ValidateAsync);
        group.MapGet("/{siteId}", GetAsync);
        group.MapGet("/{siteId}/versions", ListVersionsAsync);
        group.MapPut("/{siteId}", SaveAsync);
        return group;
    }

    private static async Task<Results<Ok<PolicyResponse>, ProblemHttpResult>> GetAsync(
        string siteId, SiteStore sites, PolicyStore policies, CancellationToken cancellationToken)
    {
        if (await SiteProblemAsync(siteId, sites, cancellationToken) is { } problem)
        {
            return problem;
        }

        var row = await policies.GetCurrentAsync(siteId, cancellationToken);
        return TypedResults.Ok(ToResponse(siteId, row));
    }

    private static async Task<Results<Ok<IReadOnlyList<PolicyResponse>>, ProblemHttpResult>> ListVersionsAsync(
        string siteId, SiteStore sites, PolicyStore policies, CancellationToken cancellationToken)
    {
        if (await SiteProblemAsync(siteId, sites, cancellationToken) is { } problem)
        {
            return problem;
        }

        var rows = await policies.ListVersionsAsync(siteId, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<PolicyResponse>>(rows.Select(r => ToResponse(siteId, r)).ToList());
    }

    private static async Task<Results<Ok<AlertPolicy>, ProblemHttpResult>> ValidateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (policy, problem) = await ReadAsync(request, cancellationToken);
        return problem is not null ? problem : TypedResults.Ok(policy!);
    }

    /// <summary>Saves the body as the site's next version. <c>If-Match: "N"</c> makes it conditional on version N being current.</summary>
    private static async Task<Results<Ok<PolicyResponse>, ProblemHttpResult>> SaveAsync(
        string siteId, HttpRequest request, SiteStore sites, PolicyStore policies, CancellationToken cancellationToken)
    {
        if (await SiteProblemAsync(siteId, sites, cancellationToken) is { } siteProblem)
        {
            return siteProblem;
        }

        int? expected = null;
        if (request.Headers.IfMatch.Count > 0)
        {
            var text = request.Headers.IfMatch.ToString().Trim('"', ' ');
            if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version))
            {
                return Invalid("If-Match", "Must be the quoted version number the edit started from, such as \"3\".");
            }

            expected = version;
        }

        var (policy, problem) = await ReadAsync(request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var by = request.Headers["X-FleetMonitor-User"].ToString();
        var row = await policies.SaveAsync(siteId, PolicyJson.Serialize(policy!), by.Length is > 0 and <= 200 ? by : null, expected, cancellationToken);
        return row is null
            ? ApiProblems.Conflict("Policy changed", $"The policy of site '{siteId}' is no longer at version {expected}: reload it and edit again.")
            : TypedResults.Ok(ToResponse(siteId, row));
    }

    private static async Task<(AlertPolicy? Policy, ProblemHttpResult? Problem)> ReadAsync(
        HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return (null, ApiProblems.UnsupportedMediaType());
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBodyBytes)
            {
                return (null, Invalid("body", $"A policy has at most {MaxBodyBytes / 1024} KiB."));
            }
        }

        var (policy, errors) = PolicyJson.Parse(Encoding.UTF8.GetString(buffer.ToArray()));
        if (policy is null)
        {
            return (null, TypedResults.Problem(new HttpValidationProblemDetails(errors.ToDictionary(e => e.Key, e => e.Value)) { Status = StatusCodes.Status400BadRequest }));
        }

        return (policy, null);
    }

    private static async Task<ProblemHttpResult?> SiteProblemAsync(string siteId, SiteStore sites, CancellationToken cancellationToken)
    {
        if (SiteRules.IdError(siteId) is { } error)
        {
            return Invalid("siteId", error);
        }

        return await sites.GetAsync(siteId, cancellationToken) is null ? ApiProblems.NotFound("site", siteId) : null;
    }

    /// <summary>A 400 validation problem (application/problem+json) naming <paramref name="field"/>.</summary>
    internal static ProblemHttpResult Invalid(string field, string message) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] }) { Status = StatusCodes.Status400BadRequest });

    private static PolicyResponse ToResponse(string siteId, PolicyRow? row)
    {
        if (row is null)
        {
            return new PolicyResponse(siteId, 0, true, null, null, DefaultPolicy.Create());
        }

        var (policy, _) = PolicyJson.Parse(row.Document);
        return new PolicyResponse(siteId, row.Version, false, row.CreatedAt, row.CreatedBy, policy ?? DefaultPolicy.Create());
    }
}
