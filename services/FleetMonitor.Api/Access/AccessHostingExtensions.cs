using FleetMonitor.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace FleetMonitor.Api.Access;

/// <summary>
/// Sign-in and roles for the Api and dashboard: session cookies (with antiforgery) for people, Bearer tokens for
/// automation, a policy per role, and a fallback policy that makes every endpoint without one need a signed-in viewer.
/// With <c>Access:Oidc</c> set, people may also sign in with an OpenID Connect provider (see <see cref="OidcOptions"/>).
/// </summary>
public static class AccessHostingExtensions
{
    /// <summary>Where the provider sends the browser back to; register <c>https://&lt;api&gt;/signin-oidc</c> with it.</summary>
    public const string OidcCallbackPath = "/signin-oidc";

    public static IHostApplicationBuilder AddFleetMonitorAccess(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IPasswordHasher<UserRow>, PasswordHasher<UserRow>>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<CookieSessionEvents>();
        services.AddHostedService<FirstAdmin>();

        services.AddAuthentication(AccessSchemes.Default)
            .AddPolicyScheme(AccessSchemes.Default, "Session cookie or Api token", options =>
                options.ForwardDefaultSelector = context =>
                    context.Request.Headers.Authorization.Count > 0 ? AccessSchemes.ApiToken : AccessSchemes.Cookie)
            .AddCookie(AccessSchemes.Cookie, options =>
            {
                options.Cookie.Name = "fleetmonitor.session";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.LoginPath = SessionEndpoints.LoginPath;
                options.SlidingExpiration = true;
                options.EventsType = typeof(CookieSessionEvents);
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(AccessSchemes.ApiToken, null);
        builder.AddOidcSignIn();
        services.AddOptions<CookieAuthenticationOptions>(AccessSchemes.Cookie)
            .Configure<Microsoft.Extensions.Options.IOptions<AccessOptions>>((cookie, access) => cookie.ExpireTimeSpan = access.Value.SessionIdleTimeout);

        services.AddAuthorizationBuilder()
            .AddPolicy(AccessPolicies.Viewer, p => p.RequireAuthenticatedUser().RequireRole(AccessRoles.AtLeast(AccessRoles.Viewer)))
            .AddPolicy(AccessPolicies.Operator, p => p.RequireAuthenticatedUser().RequireRole(AccessRoles.AtLeast(AccessRoles.Operator)))
            .AddPolicy(AccessPolicies.Admin, p => p.RequireAuthenticatedUser().RequireRole(AccessRoles.AtLeast(AccessRoles.Admin)))
            // An endpoint that states no policy still needs a signed-in viewer: a new route is never open by mistake.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireRole(AccessRoles.AtLeast(AccessRoles.Viewer)).Build());

        services.AddAntiforgery(options =>
        {
            options.HeaderName = CsrfProtection.HeaderName;
            options.Cookie.Name = "fleetmonitor.csrf";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return builder;
    }

    /// <summary>
    /// The OpenID Connect handler, only when <c>Access:Oidc:Authority</c> is set (the options are validated at start
    /// either way): code flow with PKCE, the answer in the query (Lax correlation cookies survive the redirect back from
    /// another site), the session in the same cookie as a local user's.
    /// </summary>
    private static void AddOidcSignIn(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<IValidateOptions<OidcOptions>, OidcOptionsValidator>();
        services.AddOptions<OidcOptions>().BindConfiguration(OidcOptions.SectionName).ValidateOnStart();
        if (builder.Configuration.GetSection(OidcOptions.SectionName).Get<OidcOptions>() is not { Enabled: true })
        {
            return;
        }

        services.AddScoped<OidcSessionEvents>();
        // The provider's redirect back is a navigation from another site, and so is the handler's redirect on to the
        // dashboard: a Strict session cookie would not be sent with it. Lax is; changes still need the CSRF token.
        services.PostConfigure<CookieAuthenticationOptions>(AccessSchemes.Cookie, cookie => cookie.Cookie.SameSite = SameSiteMode.Lax);
        services.AddAuthentication().AddOpenIdConnect(AccessSchemes.OpenIdConnect, "Company account", _ => { });
        services.AddOptions<OpenIdConnectOptions>(AccessSchemes.OpenIdConnect).Configure<IOptions<OidcOptions>>((oidc, settings) =>
        {
            var o = settings.Value;
            oidc.Authority = o.Authority;
            oidc.ClientId = o.ClientId;
            oidc.ClientSecret = string.IsNullOrEmpty(o.ClientSecret) ? null : o.ClientSecret;
            oidc.RequireHttpsMetadata = o.RequireHttpsMetadata;
            oidc.SignInScheme = AccessSchemes.Cookie;
            oidc.ResponseType = OpenIdConnectResponseType.Code;
            oidc.ResponseMode = OpenIdConnectResponseMode.Query;
            oidc.UsePkce = true;
            // The handler asks for openid and profile already.
            foreach (var scope in o.Scopes.Where(s => !oidc.Scope.Contains(s)))
            {
                oidc.Scope.Add(scope);
            }

            oidc.CallbackPath = OidcCallbackPath;
            oidc.MapInboundClaims = false;
            oidc.GetClaimsFromUserInfoEndpoint = false;
            oidc.SaveTokens = false;
            oidc.DisableTelemetry = true;
            // The provider's metadata is fetched at the first sign-in; a fetch that failed (the provider down or slow)
            // is tried again after this, not after the handler's default five minutes of refused sign-ins.
            oidc.RefreshInterval = TimeSpan.FromSeconds(30);
            oidc.EventsType = typeof(OidcSessionEvents);
            foreach (var cookie in new[] { oidc.CorrelationCookie, oidc.NonceCookie })
            {
                cookie.SameSite = SameSiteMode.Lax;
                cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            }
        });
    }

    /// <summary>Authentication, authorization, then the CSRF check (after authorization: anonymous callers hear 401 first).</summary>
    public static WebApplication UseFleetMonitorAccess(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<CsrfProtection>();
        return app;
    }
}
