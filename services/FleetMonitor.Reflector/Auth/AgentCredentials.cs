using System.Collections.Frozen;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Reflector.Auth;

/// <summary>
/// Looks up an agent's password by user name; the one place the Reflector's services authenticate against. The
/// configured list is fixed; the enrolled agents' list is replaced whole by <see cref="ControlPlaneCredentialSource"/>.
/// </summary>
public sealed class AgentCredentials
{
    private readonly FrozenDictionary<string, string> _configured;
    private FrozenDictionary<string, string> _enrolled = FrozenDictionary<string, string>.Empty;

    public AgentCredentials(IOptions<AgentCredentialsOptions> options)
    {
        _configured = Freeze(options.Value.Credentials);
    }

    /// <summary>How many enrolled agents' credentials are known now.</summary>
    public int EnrolledCount => Volatile.Read(ref _enrolled).Count;

    public bool TryGetPassword(string username, [MaybeNullWhen(false)] out string password) =>
        _configured.TryGetValue(username, out password) || Volatile.Read(ref _enrolled).TryGetValue(username, out password);

    /// <summary>Replaces the enrolled agents' credentials: one not listed any more (revoked) no longer authenticates.</summary>
    public void ReplaceEnrolled(IEnumerable<AgentCredential> credentials) => Volatile.Write(ref _enrolled, Freeze(credentials));

    private static FrozenDictionary<string, string> Freeze(IEnumerable<AgentCredential> credentials)
    {
        var list = credentials.ToList();
        foreach (var credential in list)
        {
            Validator.ValidateObject(credential, new ValidationContext(credential), validateAllProperties: true);
        }

        return list.ToFrozenDictionary(c => c.Username, c => c.Password, StringComparer.Ordinal);
    }
}
