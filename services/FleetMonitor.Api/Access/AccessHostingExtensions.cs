using FleetMonitor.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;

namespace FleetMonitor.Api.Access;

/// <summary>
/// Sign-in and roles for the Api and dashboard: session cookies (with antiforgery) for people, Bearer tokens for
/// automation, a policy per role, and a fallback policy that makes every endpoint without one need a signed-in viewer.
/// </summary>
public static class AccessHostingExtensions
{
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

    /// <summary>Authentication, authorization, then the CSRF check (after authorization: anonymous callers hear 401 first).</summary>
    public static WebApplication UseFleetMonitorAccess(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<CsrfProtection>();
        return app;
    }
}
