using Microsoft.Extensions.Options;

namespace FleetMonitor.Api.Access;

/// <summary>Checks <see cref="OidcOptions"/> at start: nothing else set while it is off; a complete setup while it is on.</summary>
internal sealed class OidcOptionsValidator : IValidateOptions<OidcOptions>
{
    private const string Section = OidcOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, OidcOptions options)
    {
        var errors = new List<string>();
        if (!options.Enabled)
        {
            if (!string.IsNullOrEmpty(options.ClientId) || !string.IsNullOrEmpty(options.ClientSecret) || options.Roles.Count > 0)
            {
                errors.Add($"{Section}:Authority is required when {Section}:ClientId, ClientSecret or Roles are set.");
            }

            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }

        if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"{Section}:Authority must be an absolute http(s) address, not '{options.Authority}'.");
        }
        else if (authority.Scheme != Uri.UriSchemeHttps && options.RequireHttpsMetadata)
        {
            errors.Add($"{Section}:Authority must use https (or set {Section}:RequireHttpsMetadata to false, for a test only).");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            errors.Add($"{Section}:ClientId is required.");
        }

        if (string.IsNullOrWhiteSpace(options.NameClaim))
        {
            errors.Add($"{Section}:NameClaim is required.");
        }

        if (string.IsNullOrWhiteSpace(options.RoleClaim))
        {
            errors.Add($"{Section}:RoleClaim is required.");
        }

        if (options.Roles.Count == 0)
        {
            errors.Add($"{Section}:Roles must map at least one {options.RoleClaim} value to a role ({string.Join(", ", AccessRoles.All)}).");
        }

        foreach (var (value, role) in options.Roles)
        {
            if (!AccessRoles.IsRole(role))
            {
                errors.Add($"{Section}:Roles:{value} is '{role}'; a role is one of {string.Join(", ", AccessRoles.All)}.");
            }
        }

        foreach (var scope in options.Scopes)
        {
            if (string.IsNullOrWhiteSpace(scope) || scope.Any(char.IsWhiteSpace))
            {
                errors.Add($"{Section}:Scopes holds '{scope}', which is not a scope name.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
