using System.Security.Claims;
using System.Text.Encodings.Web;
using FleetMonitor.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Api.Access;

/// <summary>Signs in a request that carries <c>Authorization: Bearer fm_...</c> as the token's role, unless the token was revoked.</summary>
internal sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiTokenStore tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            || !ApiTokens.TryParse(header[BearerPrefix.Length..].Trim(), out var id, out var secret))
        {
            return AuthenticateResult.Fail("The Authorization header is not 'Bearer fm_...'.");
        }

        var token = await tokens.GetAsync(id, Context.RequestAborted);
        if (token is null || !ApiTokens.Matches(secret, token.SecretHash))
        {
            return AuthenticateResult.Fail("Unknown Api token.");
        }

        if (token.RevokedAt is not null)
        {
            return AuthenticateResult.Fail("The Api token was revoked.");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, $"token:{token.Name}"),
                new Claim(ClaimTypes.Role, token.Role),
                new Claim(AccessSchemes.TokenIdClaim, token.Id),
            ],
            AccessSchemes.ApiToken);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        await AccessProblems.WriteUnauthorizedAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => AccessProblems.WriteForbiddenAsync(Context);
}
