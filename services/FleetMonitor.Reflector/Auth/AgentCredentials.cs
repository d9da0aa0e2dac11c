using System.Collections.Frozen;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Reflector.Auth;

/// <summary>Looks up an agent's password by user name; the one place the Reflector's services authenticate against.</summary>
public sealed class AgentCredentials
{
    private readonly FrozenDictionary<string, string> _passwords;

    public AgentCredentials(IOptions<AgentCredentialsOptions> options)
    {
        var credentials = options.Value.Credentials;
        foreach (var credential in credentials)
        {
            Validator.ValidateObject(credential, new ValidationContext(credential), validateAllProperties: true);
        }

        _passwords = credentials.ToFrozenDictionary(c => c.Username, c => c.Password, StringComparer.Ordinal);
    }

    public bool TryGetPassword(string username, [MaybeNullWhen(false)] out string password) =>
        _passwords.TryGetValue(username, out password);
}
