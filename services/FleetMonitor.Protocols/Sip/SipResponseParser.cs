using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FleetMonitor.Protocols.Sip;

/// <summary>
/// A strict parser of SIP responses (RFC 3261 sections 7, 18.3 and 20): the status line, CRLF-terminated headers with
/// folding and compact names, the mandatory Via, From, To, Call-ID and CSeq, and Content-Length framing. It never throws
/// for its input; anything that is not a well-formed response is <see cref="SipParseStatus.Malformed"/> with a reason.
/// </summary>
internal static class SipResponseParser
{
    /// <summary>The largest status line and header section accepted.</summary>
    public const int MaxHeaderBytes = 16 * 1024;

    /// <summary>The largest body accepted; an OPTIONS answer carries at most a small SDP.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>The largest whole message: what a stream reader needs to buffer.</summary>
    public const int MaxMessageBytes = MaxHeaderBytes + 4 + MaxBodyBytes;

    private const string Separators = "()<>@,;:\\\"/[]?={} \t";

    // RFC 3261 7.3.3 and the later RFCs that added compact forms.
    private static readonly Dictionary<string, string> CompactNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["v"] = "Via",
        ["f"] = "From",
        ["t"] = "To",
        ["i"] = "Call-ID",
        ["l"] = "Content-Length",
        ["m"] = "Contact",
        ["c"] = "Content-Type",
        ["e"] = "Content-Encoding",
        ["k"] = "Supported",
        ["s"] = "Subject",
        ["o"] = "Event",
        ["u"] = "Allow-Events",
        ["r"] = "Refer-To",
        ["b"] = "Referred-By",
        ["x"] = "Session-Expires",
    };

    private static ReadOnlySpan<byte> Version => "SIP/2.0 "u8;

    /// <summary>Parses one UDP datagram, which holds exactly one message (RFC 3261 18.3).</summary>
    public static SipParseResult ParseDatagram(ReadOnlySpan<byte> datagram) => Parse(datagram, stream: false);

    /// <summary>
    /// Parses the first message in the bytes read so far from a TCP or TLS stream. <see cref="SipParseResult.Consumed"/>
    /// says how many bytes it (or the keep-alive blank lines before it) took; the next message starts there.
    /// </summary>
    public static SipParseResult ParseStream(ReadOnlySpan<byte> buffer) => Parse(buffer, stream: true);

    private static SipParseResult Parse(ReadOnlySpan<byte> data, bool stream)
    {
        switch (SipMessageReader.Preamble(data, stream, out var keepAlive))
        {
            case SipParseStatus.KeepAlive:
                return new SipParseResult(SipParseStatus.KeepAlive, null, keepAlive, null);
            case SipParseStatus.Incomplete:
                return SipParseResult.Incomplete;
        }

        if (data.Length == 0)
            return SipParseResult.Malformed("the reply is empty");

        // Rejected at once, so that a stream of garbage is not buffered up to the limit first.
        var prefix = data[..Math.Min(data.Length, Version.Length)];
        if (!Ascii.EqualsIgnoreCase(prefix, Version[..prefix.Length]))
            return SipParseResult.Malformed($"the reply does not start with a SIP/2.0 status line: '{Printable(data)}'");

        var head = SipMessageReader.ReadHead(data, stream, out var end, out var lines, out var error);
        if (head != SipParseStatus.Complete)
            return head == SipParseStatus.Incomplete ? SipParseResult.Incomplete : SipParseResult.Malformed(error!);

        if (ParseStatusLine(lines[0], out var code, out var reason) is { } statusError)
            return SipParseResult.Malformed(statusError);

        var (headers, headerError) = ParseHeaders(lines.AsSpan(1));
        if (headerError is not null)
            return SipParseResult.Malformed(headerError);

        if (SipMessageReader.CheckSingleHeaders(headers) is { } singleError)
            return SipParseResult.Malformed(singleError);

        var via = headers.FirstOrDefault(h => h.Key == "Via").Value;
        if (via is null)
            return SipParseResult.Malformed("the mandatory Via header is missing");
        if (!TryParseVia(FirstElement(via), out var topVia, out var viaError))
            return SipParseResult.Malformed($"the top Via is malformed: {viaError}");

        var callId = SipMessageReader.Value(headers, "Call-ID");
        if (callId.Length == 0 || callId.Any(char.IsWhiteSpace))
            return SipParseResult.Malformed($"the Call-ID '{callId}' is malformed");
        if (SipMessageReader.Value(headers, "From").Length == 0 || SipMessageReader.Value(headers, "To").Length == 0)
            return SipParseResult.Malformed("an empty From or To header");
        if (!TryParseCSeq(SipMessageReader.Value(headers, "CSeq"), out var cseq, out var method))
            return SipParseResult.Malformed($"the CSeq '{SipMessageReader.Value(headers, "CSeq")}' is not a number below 2^31 and a method");

        var body = SipMessageReader.FrameBody(
            headers, data.Length, end, stream, static text => text, out var bodyStart, out var bodyLength, out error);
        if (body != SipParseStatus.Complete)
            return body == SipParseStatus.Incomplete ? SipParseResult.Incomplete : SipParseResult.Malformed(error!);

        var response = new SipResponse(code, reason, headers, topVia, cseq, method, bodyLength);
        return new SipParseResult(SipParseStatus.Complete, response, bodyStart + bodyLength, null);
    }

    private static string? ParseStatusLine(string line, out int code, out string reason)
    {
        code = 0;
        reason = "";

        // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase; the version was checked by the caller.
        var rest = line.AsSpan(Version.Length);
        if (rest.Length < 4 || rest[3] != ' ' || !int.TryParse(rest[..3], NumberStyles.None, CultureInfo.InvariantCulture, out code)
            || code is < 100 or > 699)
        {
            code = 0;
            return $"the status line '{Printable(line)}' has no status code 100-699 followed by a space";
        }

        reason = rest[4..].ToString();
        return null;
    }

    internal static (List<KeyValuePair<string, string>> Headers, string? Error) ParseHeaders(ReadOnlySpan<string> lines)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines)
        {
            if (line.Length == 0)
                return (headers, "an empty line inside the header section");

            // RFC 3261 7.3.1: a line starting with white space continues the previous header's value.
            if (line[0] is ' ' or '\t')
            {
                if (headers.Count == 0)
                    return (headers, "a folded continuation line before any header");
                var last = headers[^1];
                headers[^1] = new(last.Key, $"{last.Value} {line.Trim(' ', '\t')}".Trim());
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
                return (headers, $"the header line '{Printable(line)}' has no colon");
            var name = line[..colon].TrimEnd(' ', '\t');
            if (name.Length == 0 || !IsToken(name))
                return (headers, $"the header name '{Printable(name)}' is not a token");
            headers.Add(new(CompactNames.GetValueOrDefault(name) ?? Canonical(name), line[(colon + 1)..].Trim(' ', '\t')));
        }

        return (headers, null);
    }

    // The names the parser looks up are stored in one spelling, so that lookups need not care about case.
    private static string Canonical(string name)
    {
        foreach (var known in (ReadOnlySpan<string>)["Via", "From", "To", "Call-ID", "CSeq", "Content-Length"])
        {
            if (string.Equals(name, known, StringComparison.OrdinalIgnoreCase))
                return known;
        }

        return name;
    }

    internal static bool TryParseCSeq(string value, out long number, out string method)
    {
        number = 0;
        method = "";
        var parts = value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || parts[0].Length > 10
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out number)
            || number >= 1L << 31 || !IsToken(parts[1]))
        {
            return false;
        }

        method = parts[1];
        return true;
    }

    /// <summary>The first value of a comma-separated header, commas inside quotes not counting.</summary>
    internal static string FirstElement(string value)
    {
        var quoted = false;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '"')
                quoted = !quoted;
            else if (value[i] == '\\' && quoted)
                i++;
            else if (value[i] == ',' && !quoted)
                return value[..i];
        }

        return value;
    }

    // Via = "SIP" SLASH "2.0" SLASH transport LWS sent-by *( SEMI via-params ), with optional white space around the slashes.
    internal static bool TryParseVia(string element, out SipVia via, out string error)
    {
        via = null!;
        error = "";
        var semicolon = element.IndexOf(';', StringComparison.Ordinal);
        var protocolAndHost = (semicolon < 0 ? element : element[..semicolon]).Trim();
        var slashes = protocolAndHost.Split('/');
        if (slashes.Length != 3 || !string.Equals(slashes[0].Trim(), "SIP", StringComparison.OrdinalIgnoreCase) || slashes[1].Trim() != "2.0")
        {
            error = $"'{Printable(element)}' does not start with SIP/2.0/<transport>";
            return false;
        }

        var transportAndHost = slashes[2].TrimStart(' ', '\t');
        var space = transportAndHost.IndexOfAny([' ', '\t']);
        if (space <= 0 || !IsToken(transportAndHost[..space]))
        {
            error = $"'{Printable(element)}' has no transport and sent-by";
            return false;
        }

        var transport = transportAndHost[..space];
        if (!TryParseSentBy(transportAndHost[space..].Trim(' ', '\t'), out var host, out var port))
        {
            error = $"the sent-by of '{Printable(element)}' is not host[:port]";
            return false;
        }

        var parameters = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (semicolon >= 0)
        {
            foreach (var raw in element[(semicolon + 1)..].Split(';'))
            {
                var parameter = raw.Trim(' ', '\t');
                var equals = parameter.IndexOf('=', StringComparison.Ordinal);
                var name = (equals < 0 ? parameter : parameter[..equals]).TrimEnd(' ', '\t');
                var value = equals < 0 ? null : parameter[(equals + 1)..].TrimStart(' ', '\t');
                if (!IsToken(name) || (value is not null && !IsParameterValue(value)) || !parameters.TryAdd(name, value))
                {
                    error = $"the parameter '{Printable(parameter)}' is malformed or repeated";
                    return false;
                }
            }
        }

        via = new SipVia(transport, host, port, parameters);
        return true;
    }

    private static bool TryParseSentBy(string sentBy, out string host, out int? port)
    {
        host = sentBy;
        port = null;
        string? portText = null;
        if (sentBy.StartsWith('['))
        {
            var close = sentBy.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || !IPAddress.TryParse(sentBy[1..close], out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
                return false;
            host = sentBy[..(close + 1)];
            if (close + 1 < sentBy.Length)
            {
                if (sentBy[close + 1] != ':')
                    return false;
                portText = sentBy[(close + 2)..];
            }
        }
        else
        {
            var colon = sentBy.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                host = sentBy[..colon];
                portText = sentBy[(colon + 1)..];
            }

            if (Uri.CheckHostName(host) is not (UriHostNameType.Dns or UriHostNameType.IPv4))
                return false;
        }

        if (portText is null)
            return true;
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            return false;
        port = number;
        return true;
    }

    internal static bool IsToken(string text) =>
        text.Length > 0 && text.All(c => c is > ' ' and < (char)127 && !Separators.Contains(c, StringComparison.Ordinal));

    // A token, a quoted string, or an address (received=IPv4 / IPv6 with its colons and optional brackets).
    private static bool IsParameterValue(string value)
    {
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
            return !value.AsSpan(1, value.Length - 2).ContainsAny('\r', '\n');
        return value.Length > 0 && value.All(c => c is > ' ' and < (char)127 && (c is ':' or '[' or ']' || !Separators.Contains(c, StringComparison.Ordinal)));
    }

    // A short, printable excerpt for error messages: garbage must not end up raw in a finding's text.
    internal static string Printable(ReadOnlySpan<byte> data)
    {
        var excerpt = data[..Math.Min(data.Length, 40)];
        var builder = new StringBuilder(excerpt.Length);
        foreach (var b in excerpt)
            builder.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
        return builder.ToString();
    }

    internal static string Printable(string text) =>
        Printable(Encoding.UTF8.GetBytes(text.Length > 80 ? text[..80] : text));
}
