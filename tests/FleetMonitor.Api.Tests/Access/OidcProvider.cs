using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace FleetMonitor.Api.Tests.Access;

/// <summary>
/// A real OpenID Connect provider for the sign-in tests: OpenIddict's server on Kestrel (loopback, port 0), with the
/// authorization code flow and PKCE required, one confidential client, and a sign-in page where a test types the name
/// of one of its accounts; each account's groups go into the id token's <see cref="GroupsClaim"/> claim.
/// No stores (degraded mode): the client and its redirect address are checked by the handlers below.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    public const string ClientId = "fleetmonitor-dashboard";
    public const string ClientSecret = "oidc test client secret";
    public const string GroupsClaim = "groups";
    public const string GroupsScope = "groups";

    private readonly WebApplication _app;

    private OidcProvider(WebApplication app, string address)
    {
        _app = app;
        Authority = address;
    }

    /// <summary>The issuer address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public string Authority { get; }

    /// <summary>The one redirect address the client may use; set once the application's address is known.</summary>
    public string? RedirectUri { get; set; }

    public static async Task<OidcProvider> StartAsync(IReadOnlyDictionary<string, string[]> accounts)
    {
        OidcProvider? provider = null;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(OidcProvider).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Services.AddLogging();
        builder.Services.AddRouting();
        builder.Services.AddOpenIddict().AddServer(options =>
        {
            options.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
            options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            options.RegisterScopes(OpenIddictConstants.Scopes.Profile, GroupsScope);
            options.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
            options.DisableAccessTokenEncryption();
            options.EnableDegradedMode();
            options.UseAspNetCore()
                .EnableAuthorizationEndpointPassthrough()
                .EnableTokenEndpointPassthrough()
                .DisableTransportSecurityRequirement();
            options.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId)
                {
                    context.Reject(OpenIddictConstants.Errors.InvalidClient, "Unknown client.");
                }
                else if (context.RedirectUri is null || context.RedirectUri != provider?.RedirectUri)
                {
                    context.Reject(OpenIddictConstants.Errors.InvalidRequest, "The redirect_uri is not the client's.");
                }

                return default;
            }));
            options.AddEventHandler<ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.Request.ClientId != ClientId || context.Request.ClientSecret != ClientSecret)
                {
                    context.Reject(OpenIddictConstants.Errors.InvalidClient, "Wrong client id or secret.");
                }

                return default;
            }));
        });

        var app = builder.Build();
        app.UseRouting();
        app.UseAuthentication();
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], (Delegate)((HttpContext context) => AuthorizeAsync(context, accounts)));
        app.MapPost("/connect/token", async (HttpContext context) =>
        {
            var code = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            return code.Principal is null
                ? Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme])
                : Results.SignIn(code.Principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        provider = new OidcProvider(app, address.TrimEnd('/') + "/");
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The sign-in page (GET) or, with an account name posted back, the code for that account.</summary>
    private static async Task<IResult> AuthorizeAsync(HttpContext context, IReadOnlyDictionary<string, string[]> accounts)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an authorization request.");
        var account = context.Request.HasFormContentType ? (await context.Request.ReadFormAsync()).TryGetValue("account", out var a) ? a.ToString() : null : null;
        if (account is null || !accounts.TryGetValue(account, out var groups))
        {
            return Results.Content(SignInPage(request, account), "text/html; charset=utf-8");
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, OpenIddictConstants.Claims.Name, OpenIddictConstants.Claims.Role);
        identity.AddClaim(new Claim(OpenIddictConstants.Claims.Subject, account));
        identity.AddClaim(new Claim(OpenIddictConstants.Claims.PreferredUsername, account));
        foreach (var group in groups)
        {
            identity.AddClaim(new Claim(GroupsClaim, group));
        }

        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(_ => [OpenIddictConstants.Destinations.IdentityToken, OpenIddictConstants.Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static string SignInPage(OpenIddictRequest request, string? unknownAccount)
    {
        var e = HtmlEncoder.Default;
        var fields = new StringBuilder();
        foreach (var (name, value) in request.GetParameters())
        {
            fields.Append(System.Globalization.CultureInfo.InvariantCulture, $"""<input type="hidden" name="{e.Encode(name)}" value="{e.Encode(value.ToString() ?? "")}">""");
        }

        var error = unknownAccount is null ? "" : $"""<p id="oidc-error">No account {e.Encode(unknownAccount)}.</p>""";
        return $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Company sign-in</title></head>
            <body>
              <h1>Company sign-in</h1>
              {error}
              <form method="post" action="/connect/authorize">
                {fields}
                <label>Account <input id="oidc-account" name="account"></label>
                <button type="submit" id="oidc-submit">Sign in</button>
              </form>
            </body></html>
            """;
    }
}
