namespace FleetMonitor.Api.Access;

/// <summary>
/// Sign-in with the company's OpenID Connect provider (authorization code flow with PKCE). Off while
/// <see cref="Authority"/> is empty; when set, the rest is checked at start (see <see cref="OidcOptionsValidator"/>).
/// </summary>
public sealed class OidcOptions
{
    public const string SectionName = "Access:Oidc";

    /// <summary>The provider's issuer address, e.g. <c>https://login.example.com/realms/noc</c>; its discovery document is read from there.</summary>
    public string? Authority { get; set; }

    /// <summary>This application's client id at the provider.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret, for a confidential client; empty for a public one (PKCE alone).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Whether the provider must be reached over HTTPS; only a test or a lab may turn it off.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The id token claim that names the user; the name is lower-cased and must be a valid user name.</summary>
    public string NameClaim { get; set; } = "preferred_username";

    /// <summary>The id token claim that holds the user's groups or roles (one claim per value, or a JSON array).</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>
    /// Which value of <see cref="RoleClaim"/> gives which role (viewer, operator or admin), e.g.
    /// <c>"noc-staff": "viewer"</c>. A user gets the highest role any of their values maps to; one whose values map
    /// to none is refused.
    /// </summary>
    public Dictionary<string, string> Roles { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Scopes asked for besides <c>openid</c> and <c>profile</c>, e.g. <c>roles</c> or <c>groups</c>.</summary>
    public List<string> Scopes { get; set; } = [];

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}
