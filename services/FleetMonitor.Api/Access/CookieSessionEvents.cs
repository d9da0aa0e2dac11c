using System.Security.Claims;
using FleetMonitor.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace FleetMonitor.Api.Access;

/// <summary>
/// The session cookie's behaviour: the Api answers 401/403 as problem+json where a page would redirect to the sign-in,
/// and every request re-reads the user, so that a disabled user or a changed role takes effect at once, not at expiry.
/// </summary>
internal sealed class CookieSessionEvents(UserStore users) : CookieAuthenticationEvents
{
    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context)
    {
        if (IsApi(context.Request))
        {
            return AccessProblems.WriteUnauthorizedAsync(context.HttpContext);
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context) =>
        AccessProblems.WriteForbiddenAsync(context.HttpContext);

    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var name = context.Principal?.Identity?.Name;
        var user = name is null ? null : await users.GetAsync(name, context.HttpContext.RequestAborted);
        if (user is null || user.DisabledAt is not null || !AccessRoles.IsRole(user.Role))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(AccessSchemes.Cookie);
            return;
        }

        var principal = context.Principal!;
        if (principal.FindFirstValue(ClaimTypes.Role) != user.Role)
        {
            context.ReplacePrincipal(SessionEndpoints.Principal(user.Name, user.Role,
                principal.FindFirstValue(ClaimTypes.AuthenticationMethod) ?? "local"));
            context.ShouldRenew = true;
        }
    }

    internal static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        || request.Path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase);
}
