using FleetMonitor.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace FleetMonitor.Api.Access;

/// <summary>Local users (admin only, audited): list, create, change role, disable, set a password.</summary>
public static class UserEndpoints
{
    public static RouteGroupBuilder MapUserEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/users").WithTags("Users").RequireAdmin();
        group.MapGet("/", async (UserStore users, CancellationToken cancellationToken) =>
            TypedResults.Ok((await users.ListAsync(cancellationToken)).Select(UserResponse.From).ToList()));
        group.MapPost("/", CreateAsync);
        group.MapPatch("/{name}", UpdateAsync);
        return group;
    }

    private static async Task<Results<Created<UserResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, UserStore users, IPasswordHasher<UserRow> hasher, AuditLog audit, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return ApiProblems.UnsupportedMediaType();
        }

        var errors = new RequestErrors();
        var body = await JsonBody.ReadAsync<CreateUserRequest>(request, errors, "A JSON object with name, password and role", cancellationToken);
        if (body is null)
        {
            return errors.ToProblem();
        }

        errors.AddIfNotNull("name", UserRules.NameError(body.Name));
        errors.AddIfNotNull("password", UserRules.PasswordError(body.Password));
        errors.AddIfNotNull("role", UserRules.RoleError(body.Role));
        if (errors.Any || body is not { Name: { } name, Password: { } password, Role: { } role })
        {
            return errors.ToProblem();
        }

        var hash = hasher.HashPassword(new UserRow { Name = name, Role = role, CreatedAt = default }, password);
        if (!await users.CreateAsync(name, hash, role, cancellationToken))
        {
            return ApiProblems.Conflict("User exists", $"A user named '{name}' exists already.");
        }

        var created = UserResponse.From(await users.GetAsync(name, cancellationToken)
            ?? throw new InvalidOperationException($"User {name} vanished right after it was created."));
        await audit.RecordAsync(request.HttpContext.User, "user.create", $"user:{name}", null, created, cancellationToken);
        return TypedResults.Created($"/api/users/{Uri.EscapeDataString(name)}", created);
    }

    private static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string name, HttpRequest request, UserStore users, IPasswordHasher<UserRow> hasher, AuditLog audit, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return ApiProblems.UnsupportedMediaType();
        }

        var errors = new RequestErrors();
        var body = await JsonBody.ReadAsync<UpdateUserRequest>(request, errors, "A JSON object with role, disabled or password", cancellationToken);
        if (body is null)
        {
            return errors.ToProblem();
        }

        if (body.Role is not null)
        {
            errors.AddIfNotNull("role", UserRules.RoleError(body.Role));
        }

        if (body.Password is not null)
        {
            errors.AddIfNotNull("password", UserRules.PasswordError(body.Password));
        }

        if (body is { Role: null, Disabled: null, Password: null })
        {
            errors.Add("body", "Give at least one of role, disabled and password.");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var user = await users.GetAsync(name, cancellationToken);
        if (user is null)
        {
            return ApiProblems.NotFound("user", name);
        }

        // An admin who demotes or disables themselves could leave nobody able to undo it.
        if (string.Equals(name, request.HttpContext.User.Identity?.Name, StringComparison.Ordinal)
            && ((body.Role is not null && body.Role != user.Role) || body.Disabled == true))
        {
            return ApiProblems.Conflict("Own account", "Admins cannot change their own role or disable themselves; ask another admin.");
        }

        var before = UserResponse.From(user);
        await users.UpdateAsync(name, body.Role ?? user.Role, body.Disabled ?? user.DisabledAt is not null, cancellationToken);
        if (body.Password is not null)
        {
            await users.SetPasswordHashAsync(name, hasher.HashPassword(user, body.Password), cancellationToken);
        }

        var after = UserResponse.From(await users.GetAsync(name, cancellationToken)
            ?? throw new InvalidOperationException($"User {name} vanished while it was changed."));
        // The password itself is never logged; that it was set is.
        await audit.RecordAsync(request.HttpContext.User, body.Password is null ? "user.update" : "user.update_password",
            $"user:{name}", before, after, cancellationToken);
        return TypedResults.Ok(after);
    }
}
