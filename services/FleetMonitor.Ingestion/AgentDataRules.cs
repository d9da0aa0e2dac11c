using System.Text.RegularExpressions;

namespace FleetMonitor.Ingestion;

/// <summary>
/// The bounds on what an agent may send. Id rules equal the rest of the system's: a site id and a probe id as the Api
/// accepts them (<c>^[a-z0-9][a-z0-9-]{0,63}$</c>), an agent id as agents and the Reflector accept it
/// (<c>^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$</c>). Every string has a maximum length, every collection a maximum count.
/// </summary>
public static partial class AgentDataRules
{
    /// <summary>Largest message body Ingestion reads (the broker refuses larger ones too: max_message_size).</summary>
    public const int MaxMessageBytes = 1024 * 1024;

    public const int MaxTargetLength = 1024;
    public const int MaxErrorLength = 2048;
    public const int MaxKeyLength = 64;
    public const int MaxFactValueLength = 4096;
    public const int MaxEntries = 128;
    public const int MaxFindings = 128;
    public const int MaxFindingLength = 128;
    public const int MaxHostnameLength = 253;
    public const int MaxAgentVersionLength = 64;

    /// <summary>Probe kinds the agents know; any other kind is stored but counted as <c>other</c> in metrics.</summary>
    public static readonly IReadOnlySet<string> KnownKinds = new HashSet<string>(StringComparer.Ordinal)
    {
        "tcp", "http", "dns", "sip", "media", "nat", "sip-alg", "exposure", "upnp",
    };

    /// <summary>A metric label for a kind: the kind when known, else <c>other</c> (labels never grow without bound).</summary>
    public static string KindLabel(string? kind) => kind is not null && KnownKinds.Contains(kind) ? kind : "other";

    /// <summary>
    /// Free text (targets, errors, fact values, hostnames, versions) must be storable as it is: PostgreSQL's text and
    /// jsonb hold no NUL character, and UTF-8 has no unpaired surrogate. Null when <paramref name="value"/> is fine.
    /// </summary>
    public static string? TextError(string field, string? value)
    {
        if (value is null)
        {
            return null;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0')
            {
                return $"{field}: must not contain a NUL character";
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return $"{field}: must not contain an unpaired UTF-16 surrogate";
            }
        }

        return null;
    }

    public static string? AgentIdError(string? value) =>
        value is not null && AgentIdPattern().IsMatch(value) ? null : "agentId: 1 to 128 of A-Z a-z 0-9 . _ -, starting with a letter or digit";

    public static string? SiteIdError(string? value) =>
        value is not null && IdPattern().IsMatch(value) ? null : "siteId: 1 to 64 of a-z 0-9 -, starting with a letter or digit";

    public static string? ProbeIdError(string? value) =>
        value is not null && IdPattern().IsMatch(value) ? null : "probeId: 1 to 64 of a-z 0-9 -, starting with a letter or digit";

    public static string? KindError(string? value) =>
        value is not null && KindPattern().IsMatch(value) ? null : "kind: 1 to 32 of a-z 0-9 -, starting with a letter";

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex AgentIdPattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[a-z][a-z0-9-]{0,31}\z", RegexOptions.CultureInvariant)]
    private static partial Regex KindPattern();
}
