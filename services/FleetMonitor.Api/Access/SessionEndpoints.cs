using System.Security.Claims;
using FleetMonitor.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Api.Access;

/// <summary>Sign-in and sign-out with a local user's password or (when configured) OpenID Connect, and <c>GET /api/session</c> for the dashboard.</summary>
public static class SessionEndpoints
{
    public const string LoginPath = "/login";

    public const string OidcLoginPath = "/login/oidc";

    private const string OidcFailed = "Sign-in with the company account was refused or failed; ask an admin to check your groups.";

    public static void MapSessionEndpoints(this IEndpointRouteBuilder routes)
    {
        var oidc = routes.ServiceProvider.GetRequiredService<IOptions<OidcOptions>>().Value.Enabled;
        var pages = routes.MapGroup("").WithTags("Session").ExcludeFromDescription();
        pages.MapGet(LoginPath, (HttpContext context, IAntiforgery antiforgery, string? returnUrl, string? error) =>
            Page(context, antiforgery, returnUrl, null, error == OidcSessionEvents.FailedError ? OidcFailed : null, StatusCodes.Status200OK, oidc))
            .AllowAnonymous();
        if (oidc)
        {
            // Off to the provider; it sends the browser back to /signin-oidc, which the handler answers (not an endpoint).
            pages.MapGet(OidcLoginPath, (string? returnUrl) => TypedResults.Challenge(
                new AuthenticationProperties { RedirectUri = LocalUrl(returnUrl) }, [AccessSchemes.OpenIdConnect])).AllowAnonymous();
        }

        pages.MapPost(LoginPath, (HttpContext context, IAntiforgery antiforgery, UserStore users, IPasswordHasher<UserRow> hasher) =>
            SignInAsync(context, antiforgery, users, hasher, oidc)).AllowAnonymous();
        pages.MapPost("/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(AccessSchemes.Cookie);
            return TypedResults.Redirect(LoginPath);
        }).RequireViewer();

        routes.MapGet("/api/session", GetSession).WithTags("Session").RequireViewer();
    }

    private static Ok<SessionResponse> GetSession(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return TypedResults.Ok(new SessionResponse(
            context.User.Identity?.Name ?? "",
            context.User.FindFirstValue(ClaimTypes.Role) ?? "",
            tokens.RequestToken ?? throw new InvalidOperationException("Antiforgery made no request token.")));
    }

    private static async Task<IResult> SignInAsync(HttpContext context, IAntiforgery antiforgery, UserStore users, IPasswordHasher<UserRow> hasher, bool oidc)
    {
        // The antiforgery token was checked by CsrfProtection before this runs.
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var name = form["username"].ToString().Trim();
        var password = form["password"].ToString();
        var returnUrl = LocalUrl(form["returnUrl"].ToString());

        var user = name.Length is > 0 and <= UserRules.MaxNameLength ? await users.GetAsync(name, context.RequestAborted) : null;
        var verdict = user is { PasswordHash: { } hash, DisabledAt: null }
            ? hasher.VerifyHashedPassword(user, hash, password)
            : PasswordVerificationResult.Failed;
        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            // One message for an unknown user, a disabled one and a wrong password: the page tells no one which names exist.
            return Page(context, antiforgery, returnUrl, name, "Wrong user name or password.", StatusCodes.Status401Unauthorized, oidc);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await users.SetPasswordHashAsync(user.Name, hasher.HashPassword(user, password), context.RequestAborted);
        }

        await context.SignInAsync(AccessSchemes.Cookie, Principal(user.Name, user.Role, "local"));
        return TypedResults.Redirect(returnUrl);
    }

    /// <summary>The principal a session cookie carries; <paramref name="method"/> is "local" or "oidc".</summary>
    internal static ClaimsPrincipal Principal(string name, string role, string method) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role), new Claim(ClaimTypes.AuthenticationMethod, method)],
        AccessSchemes.Cookie));

    private static ContentHttpResult Page(HttpContext context, IAntiforgery antiforgery, string? returnUrl, string? name, string? error, int status, bool oidc)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = LoginPage.ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        var html = LoginPage.Render(tokens.FormFieldName, tokens.RequestToken ?? "", LocalUrl(returnUrl), name, error, oidc);
        return TypedResults.Content(html, "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>Only a path on this site: "//evil.example" and "/\evil.example" are other sites to a browser.</summary>
    internal static string LocalUrl(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";
}
