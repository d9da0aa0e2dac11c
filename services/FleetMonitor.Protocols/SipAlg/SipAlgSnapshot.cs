using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using FleetMonitor.Protocols.Sip;

namespace FleetMonitor.Protocols.SipAlg;

/// <summary>
/// The values a SIP ALG rewrites (<see cref="SipAlgField"/>), as one side saw them: the probe's originals, or what reached
/// the mirror. The probe sends its originals along in the <see cref="HeaderName"/> header, base64url-encoded, so that
/// the mirror can tell what changed on the way.
/// </summary>
/// <remarks>
/// Why a base64url header: an ALG parses and rewrites the Request-Line, Via, Contact, From, To and the SDP body (Linux's
/// nf_conntrack_sip finds headers by their names at the start of a line, and SDP lines such as <c>c=</c> anywhere they
/// start a line, whatever the Content-Type), and cruder ALGs replace the private address as a string wherever it appears.
/// A header of another name, whose value is base64url (letters, digits, '-' and '_': no address, no ':' or '@', no line
/// that starts with <c>c=</c>), is something neither kind finds. A second, non-SDP body part would not be safe: the
/// kernel looks for SDP lines in the whole body.
/// </remarks>
internal sealed class SipAlgSnapshot
{
    /// <summary>The request header that carries the probe's originals.</summary>
    public const string HeaderName = "X-FleetMonitor-Original";

    /// <summary>The longest encoded value accepted: the six values of a real request take about 300 characters.</summary>
    public const int MaxEncodedLength = 2048;

    private const int MaxValueLength = 512;
    private const string VersionLine = "v=1";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Dictionary<string, string> _values;

    private SipAlgSnapshot(Dictionary<string, string> values)
    {
        _values = values;
    }

    /// <summary>The value of <paramref name="field"/>, or null when this side did not have it.</summary>
    public string? this[string field] => _values.GetValueOrDefault(field);

    /// <summary>The fields this snapshot has, in <see cref="SipAlgField.All"/> order.</summary>
    public IReadOnlyList<string> Fields => [.. SipAlgField.All.Where(_values.ContainsKey)];

    /// <summary>A snapshot of the given values; null values are left out.</summary>
    public static SipAlgSnapshot Of(IEnumerable<KeyValuePair<string, string?>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, value) in values)
        {
            if (!SipAlgField.All.Contains(field))
                throw new ArgumentException($"'{field}' is not a SIP ALG field", nameof(values));
            if (value is not null)
                kept[field] = value;
        }

        return new SipAlgSnapshot(kept);
    }

    /// <summary>What <paramref name="request"/> carries: its top Via, first Contact, From, and first SDP o=, c= and m= lines.</summary>
    public static SipAlgSnapshot Of(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var contact = request.Header("Contact") is { } contactValue ? SipResponseParser.FirstElement(contactValue).Trim(' ', '\t') : null;
        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [SipAlgField.Via] = request.TopViaText,
            [SipAlgField.Contact] = contact,
            [SipAlgField.From] = request.Header("From"),
        };

        if (!request.Body.IsEmpty)
        {
            string? body;
            try
            {
                body = StrictUtf8.GetString(request.Body.Span);
            }
            catch (DecoderFallbackException)
            {
                body = null;
            }

            // RFC 8866 lines end in CRLF, though LF alone is tolerated; the first o=, c= and m= count (the session's c=
            // comes before the first m=).
            foreach (var line in body?.Split('\n') ?? [])
            {
                var trimmed = line.TrimEnd('\r');
                var field = trimmed switch
                {
                    ['o', '=', ..] => SipAlgField.SdpOrigin,
                    ['c', '=', ..] => SipAlgField.SdpConnection,
                    ['m', '=', ..] => SipAlgField.SdpMedia,
                    _ => null,
                };
                if (field is not null)
                    values.TryAdd(field, trimmed[2..]);
            }
        }

        return Of(values);
    }

    /// <summary>The fields of this snapshot (the originals) that <paramref name="received"/> lacks or has with another value, in <see cref="SipAlgField.All"/> order.</summary>
    public IReadOnlyList<string> RewrittenIn(SipAlgSnapshot received)
    {
        ArgumentNullException.ThrowIfNull(received);
        return [.. Fields.Where(field => !string.Equals(_values[field], received[field], StringComparison.Ordinal))];
    }

    /// <summary>The header value: base64url (no padding) of <c>v=1</c> and one <c>field=value</c> line per field, LF-separated.</summary>
    public string Encode()
    {
        var text = new StringBuilder(VersionLine);
        foreach (var field in Fields)
            text.Append('\n').Append(field).Append('=').Append(_values[field]);
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>
    /// Decodes a header value strictly: base64url, UTF-8, version 1, each known field at most once with a printable value.
    /// Lines of fields this version does not know are skipped (a newer probe may send more); at least one known field is needed.
    /// </summary>
    public static bool TryDecode(string? encoded, [NotNullWhen(true)] out SipAlgSnapshot? snapshot, [NotNullWhen(false)] out string? error)
    {
        snapshot = null;
        if (string.IsNullOrEmpty(encoded) || encoded.Length > MaxEncodedLength)
        {
            error = $"the value is empty or longer than {MaxEncodedLength} characters";
            return false;
        }

        // Padding is not written, and refused, so that one copy has one spelling.
        if (encoded.Contains('=', StringComparison.Ordinal) || !Base64Url.IsValid(encoded))
        {
            error = "the value is not unpadded base64url";
            return false;
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(Base64Url.DecodeFromChars(encoded));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            error = "the value does not decode to UTF-8 text";
            return false;
        }

        var lines = text.Split('\n');
        if (lines[0] != VersionLine)
        {
            error = $"the first line is not {VersionLine}";
            return false;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.AsSpan(1))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? line : line[..equals];
            var value = equals < 0 ? "" : line[(equals + 1)..];
            if (!SipAlgField.IsWellFormed(name) || value.Length is 0 or > MaxValueLength || value.Any(c => c is < ' ' or > '~'))
            {
                error = $"the line '{Printable(line)}' is not field=value with a printable value of at most {MaxValueLength} characters";
                return false;
            }

            if (!SipAlgField.All.Contains(name))
                continue;
            if (!values.TryAdd(name, value))
            {
                error = $"the field {name} is there twice";
                return false;
            }
        }

        if (values.Count == 0)
        {
            error = "no field this mirror knows";
            return false;
        }

        snapshot = new SipAlgSnapshot(values);
        error = null;
        return true;
    }

    private static string Printable(string text) =>
        new([.. text.Take(60).Select(c => c is >= ' ' and <= '~' ? c : '.')]);
}
