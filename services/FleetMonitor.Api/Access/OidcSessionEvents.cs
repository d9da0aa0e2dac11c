using System.Security.Claims;
using FleetMonitor.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Api.Access;

/// <summary>
/// Turns a validated id token into a FleetMonitor session: the role comes from the mapped claim at every sign-in, the
/// user is kept in <c>users</c> (without a password) so that an admin can disable them and the session cookie re-checks
/// them like a local user. A token without a mapped role, a disabled user, or a name that a local user (one with a
/// password) already has is refused, and the browser is sent back to the sign-in page with a message.
/// </summary>
internal sealed partial class OidcSessionEvents(UserStore users, AuditLog audit, IOptions<OidcOptions> options, ILogger<OidcSessionEvents> logger)
    : OpenIdConnectEvents
{
    /// <summary>The sign-in page's error query value after a refused or failed OpenID Connect sign-in.</summary>
    public const string FailedError = "oidc";

    public override async Task TokenValidated(TokenValidatedContext context)
    {
        var settings = options.Value;
        var token = context.Principal ?? throw new InvalidOperationException("A validated token without a principal.");
        var name = token.FindFirstValue(settings.NameClaim)?.Trim().ToLowerInvariant();
        if (UserRules.NameError(name) is { } nameError)
        {
            context.Fail($"The {settings.NameClaim} claim '{name}' is not a user name: {nameError}");
            return;
        }

        var role = MapRole(token.FindAll(settings.RoleClaim).Select(c => c.Value), settings.Roles);
        if (role is null)
        {
            context.Fail($"{name} has no {settings.RoleClaim} value that maps to a role.");
            return;
        }

        var cancellationToken = context.HttpContext.RequestAborted;
        var principal = SessionEndpoints.Principal(name!, role, "oidc");
        var user = await users.GetAsync(name!, cancellationToken);
        if (user is null)
        {
            if (!await users.CreateAsync(name!, null, role, cancellationToken))
            {
                context.Fail($"{name} was created by another request at the same time.");
                return;
            }

            await audit.RecordAsync(principal, "user.create_oidc", $"user:{name}", null, new { name, role }, cancellationToken);
        }
        else if (user.PasswordHash is not null)
        {
            context.Fail($"{name} is a local user; a company account cannot sign in as them.");
            return;
        }
        else if (user.DisabledAt is not null)
        {
            context.Fail($"{name} is disabled.");
            return;
        }
        else if (user.Role != role)
        {
            await users.UpdateAsync(name!, role, disabled: false, cancellationToken);
            await audit.RecordAsync(principal, "user.role_oidc", $"user:{name}", new { name, role = user.Role }, new { name, role }, cancellationToken);
        }

        context.Principal = principal;
    }

    public override Task RemoteFailure(RemoteFailureContext context)
    {
        LogRefused(logger, context.Failure?.Message ?? "no reason given");
        context.Response.Redirect($"{SessionEndpoints.LoginPath}?error={FailedError}");
        context.HandleResponse();
        return Task.CompletedTask;
    }

    /// <summary>The highest role any of <paramref name="values"/> maps to, or null.</summary>
    internal static string? MapRole(IEnumerable<string> values, IReadOnlyDictionary<string, string> roles) =>
        values.Select(v => roles.TryGetValue(v, out var role) ? role : null)
            .Where(AccessRoles.IsRole)
            .MaxBy(AccessRoles.Rank);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OpenID Connect sign-in refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}
