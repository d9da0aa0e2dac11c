using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text;

namespace FleetMonitor.Protocols.SipAlg;

/// <summary>
/// The mirror's answer, in its reply's <see cref="HeaderName"/> header: which fields (<see cref="SipAlgField"/>) arrived
/// rewritten, and the source address and port the request came from (what RFC 3581 received and rport say, but out of an
/// ALG's reach: the ALG rewrites those back to the private address in the reply).
/// </summary>
/// <remarks>
/// Written <c>via,contact,sdp_c;source=MjAzLjAuMTEzLjE6NDAwMDA</c> or <c>none;source=...</c>: the field names are tokens
/// no ALG looks for, and the source is base64url so that an ALG replacing the public address as a string cannot find it.
/// </remarks>
internal sealed record SipAlgVerdict(IReadOnlyList<string> Rewritten, IPEndPoint Source)
{
    /// <summary>The response header that carries the verdict.</summary>
    public const string HeaderName = "X-FleetMonitor-Alg";

    /// <summary>The word for an empty list of rewritten fields.</summary>
    public const string None = "none";

    private const string SourceParameter = "source=";
    private const int MaxRewritten = 32;

    public string Format()
    {
        var list = Rewritten.Count == 0 ? None : string.Join(',', Rewritten);
        return $"{list};{SourceParameter}{Base64Url.EncodeToString(Encoding.ASCII.GetBytes(Source.ToString()))}";
    }

    /// <summary>
    /// Parses a header value. Field names this version does not know are kept (a newer mirror may compare more); each
    /// must still look like a field name.
    /// </summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out SipAlgVerdict? verdict, [NotNullWhen(false)] out string? error)
    {
        verdict = null;
        var semicolon = value?.IndexOf(';', StringComparison.Ordinal) ?? -1;
        if (value is null || semicolon < 0)
        {
            error = "no ';source=' after the list of fields";
            return false;
        }

        var list = value[..semicolon].Trim();
        string[] rewritten = list == None ? [] : list.Split(',', StringSplitOptions.TrimEntries);
        if (rewritten.Length > MaxRewritten || rewritten.Any(f => !SipAlgField.IsWellFormed(f)) || rewritten.Distinct(StringComparer.Ordinal).Count() != rewritten.Length)
        {
            error = $"'{Shorten(list)}' is neither '{None}' nor a list of distinct field names";
            return false;
        }

        IPEndPoint? source = null;
        foreach (var raw in value[(semicolon + 1)..].Split(';', StringSplitOptions.TrimEntries))
        {
            if (!raw.StartsWith(SourceParameter, StringComparison.Ordinal))
                continue;
            var encoded = raw[SourceParameter.Length..];
            if (encoded.Length is 0 or > 128 || encoded.Contains('=', StringComparison.Ordinal) || !Base64Url.IsValid(encoded)
                || !IPEndPoint.TryParse(Encoding.ASCII.GetString(Base64Url.DecodeFromChars(encoded)), out source) || source.Port == 0)
            {
                error = $"the source '{Shorten(encoded)}' is not a base64url address:port";
                return false;
            }
        }

        if (source is null)
        {
            error = "no source parameter";
            return false;
        }

        verdict = new SipAlgVerdict(rewritten, source);
        error = null;
        return true;
    }

    private static string Shorten(string text) =>
        new([.. text.Take(60).Select(c => c is >= ' ' and <= '~' ? c : '.')]);
}
