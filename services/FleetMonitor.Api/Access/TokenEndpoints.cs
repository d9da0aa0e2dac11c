using FleetMonitor.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FleetMonitor.Api.Access;

/// <summary>Api tokens for automation (admin only, audited): list, create (shown once), revoke.</summary>
public static class TokenEndpoints
{
    public static RouteGroupBuilder MapTokenEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/tokens").WithTags("Tokens").RequireAdmin();
        group.MapGet("/", async (ApiTokenStore tokens, CancellationToken cancellationToken) =>
            TypedResults.Ok((await tokens.ListAsync(cancellationToken)).Select(TokenResponse.From).ToList()));
        group.MapPost("/", CreateAsync);
        group.MapDelete("/{id}", RevokeAsync);
        return group;
    }

    private static async Task<Results<Created<CreatedTokenResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, ApiTokenStore tokens, AuditLog audit, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return ApiProblems.UnsupportedMediaType();
        }

        var errors = new RequestErrors();
        var body = await JsonBody.ReadAsync<CreateTokenRequest>(request, errors, "A JSON object with name and role", cancellationToken);
        if (body is null)
        {
            return errors.ToProblem();
        }

        errors.AddIfNotNull("name", UserRules.NameError(body.Name));
        errors.AddIfNotNull("role", UserRules.RoleError(body.Role));
        if (errors.Any || body is not { Name: { } name, Role: { } role })
        {
            return errors.ToProblem();
        }

        var actor = request.HttpContext.User.Identity?.Name ?? throw new InvalidOperationException("No signed-in user.");
        var (id, secret, token) = ApiTokens.Generate();
        await tokens.CreateAsync(id, name, ApiTokens.Hash(secret), role, actor, cancellationToken);
        var info = TokenResponse.From(await tokens.GetAsync(id, cancellationToken)
            ?? throw new InvalidOperationException($"Token {id} vanished right after it was created."));
        await audit.RecordAsync(request.HttpContext.User, "token.create", $"token:{id}", null, info, cancellationToken);
        return TypedResults.Created($"/api/tokens/{id}", new CreatedTokenResponse(info, token));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        string id, HttpContext context, ApiTokenStore tokens, AuditLog audit, CancellationToken cancellationToken)
    {
        var before = await tokens.GetAsync(id, cancellationToken);
        if (before is null || !await tokens.RevokeAsync(id, cancellationToken))
        {
            return before is null
                ? ApiProblems.NotFound("token", id)
                : ApiProblems.Conflict("Revoked already", $"The token '{id}' was revoked at {before.RevokedAt:O}.");
        }

        var after = await tokens.GetAsync(id, cancellationToken);
        await audit.RecordAsync(context.User, "token.revoke", $"token:{id}", TokenResponse.From(before),
            after is null ? null : TokenResponse.From(after), cancellationToken);
        return TypedResults.NoContent();
    }
}
