namespace FleetMonitor.Api.Access;

/// <summary>The authentication schemes: a browser's session cookie, an automation's Bearer token, and the one that picks between them.</summary>
public static class AccessSchemes
{
    public const string Cookie = "Cookies";

    public const string ApiToken = "ApiToken";

    /// <summary>The default: a request with an <c>Authorization</c> header uses <see cref="ApiToken"/>, any other <see cref="Cookie"/>.</summary>
    public const string Default = "FleetMonitor";

    public const string OpenIdConnect = "OpenIdConnect";

    /// <summary>The header that carries the antiforgery token of a change made with the session cookie.</summary>
    public const string CsrfHeader = "X-CSRF-TOKEN";

    /// <summary>The claim that tells which token a request came with.</summary>
    public const string TokenIdClaim = "fleetmonitor:token_id";
}
