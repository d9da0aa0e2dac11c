namespace FleetMonitor.Reflector.Auth;

/// <summary>
/// The agents allowed to use the Reflector's authenticated services (<c>Reflector:Agents:...</c>): a static list
/// (<c>Credentials:N:...</c>) and, when <see cref="ControlPlaneUrl"/> is set, every enrolled agent, fetched from the Api.
/// </summary>
public sealed class AgentCredentialsOptions
{
    public const string SectionName = "Reflector:Agents";

    public List<AgentCredential> Credentials { get; set; } = [];

    /// <summary>The Api's base URL; its <c>/api/reflector/credentials</c> lists the enrolled agents' credentials.</summary>
    public string? ControlPlaneUrl { get; set; }

    /// <summary>An Api token (admin role) sent as the bearer credential: the list holds passwords.</summary>
    public string? ControlPlaneToken { get; set; }

    /// <summary>How often the enrolled agents are fetched again: enrolment and revocation take effect within this.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The first problem with these settings, or null.</summary>
    public string? Error() =>
        ControlPlaneUrl is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            ? $"{SectionName}:ControlPlaneUrl must be an absolute http:// or https:// URL."
            : ControlPlaneUrl is not null && string.IsNullOrWhiteSpace(ControlPlaneToken)
                ? $"{SectionName}:ControlPlaneToken is required with ControlPlaneUrl (an Api token of the admin role)."
                : RefreshInterval < TimeSpan.FromSeconds(1) || RefreshInterval > TimeSpan.FromMinutes(1)
                    ? $"{SectionName}:RefreshInterval must be from 1 second to 1 minute (enrolment and revocation must reach the Reflector within a minute)."
                    : null;
}
