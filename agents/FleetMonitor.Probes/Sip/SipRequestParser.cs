using System.Buffers;
using System.Globalization;
using System.Text;

namespace FleetMonitor.Probes.Sip;

/// <summary>
/// A strict parser of SIP requests (RFC 3261 sections 7.1, 18.3 and 20), the server-side twin of
/// <see cref="SipResponseParser"/> and built from its pieces: the Request-Line, CRLF-terminated headers with folding and
/// compact names, the mandatory Via, From, To, Call-ID and CSeq (whose method must be the Request-Line's), and
/// Content-Length framing. It never throws for its input.
/// </summary>
internal static class SipRequestParser
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // RFC 3261 25.1 token characters, which a method is made of.
    private static readonly SearchValues<byte> TokenBytes =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.!%*_+`'~"u8);

    private static readonly string[] SingleHeaders = ["From", "To", "Call-ID", "CSeq", "Content-Length"];

    private static ReadOnlySpan<byte> HeaderEnd => "\r\n\r\n"u8;

    /// <summary>Parses one UDP datagram, which holds exactly one message (RFC 3261 18.3).</summary>
    public static SipRequestParseResult ParseDatagram(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length > 0 && datagram.IndexOfAnyExcept("\r\n \t"u8) < 0)
            return new SipRequestParseResult(SipParseStatus.KeepAlive, null, datagram.Length, null);
        return Parse(datagram, stream: false);
    }

    /// <summary>
    /// Parses the first message in the bytes read so far from a TCP or TLS stream. <see cref="SipRequestParseResult.Consumed"/>
    /// says how many bytes it (or the keep-alive blank lines before it) took; the next message starts there.
    /// </summary>
    public static SipRequestParseResult ParseStream(ReadOnlySpan<byte> buffer)
    {
        // RFC 3261 7.5: CRLFs before a start line on a stream are ignored (they are keep-alives, RFC 5626 sends CRLFCRLF).
        var skip = 0;
        while (skip + 1 < buffer.Length && buffer[skip] == '\r' && buffer[skip + 1] == '\n')
            skip += 2;
        if (skip > 0)
            return new SipRequestParseResult(SipParseStatus.KeepAlive, null, skip, null);
        if (buffer.Length == 0 || buffer is [(byte)'\r'])
            return SipRequestParseResult.Incomplete;
        return Parse(buffer, stream: true);
    }

    private static SipRequestParseResult Parse(ReadOnlySpan<byte> data, bool stream)
    {
        if (data.Length == 0)
            return SipRequestParseResult.Malformed("the message is empty");

        // A request starts with a method token; a response (or garbage) is refused at once, before buffering more.
        var firstSpace = data.IndexOf((byte)' ');
        var prefix = firstSpace < 0 ? data : data[..firstSpace];
        if (firstSpace >= 0 && Ascii.EqualsIgnoreCase(prefix, "SIP/2.0"u8))
            return SipRequestParseResult.Malformed("the message is a response, not a request");
        if (prefix.ContainsAnyExcept(TokenBytes))
            return SipRequestParseResult.Malformed($"the message does not start with a method: '{SipResponseParser.Printable(data)}'");

        var end = data.IndexOf(HeaderEnd);
        if (end < 0)
        {
            if (data.Length > SipResponseParser.MaxHeaderBytes)
                return SipRequestParseResult.Malformed($"no end of the header section within {SipResponseParser.MaxHeaderBytes} bytes");
            return stream ? SipRequestParseResult.Incomplete : SipRequestParseResult.Malformed("the header section does not end with an empty line (CRLF CRLF)");
        }

        if (end > SipResponseParser.MaxHeaderBytes)
            return SipRequestParseResult.Malformed($"the header section is longer than {SipResponseParser.MaxHeaderBytes} bytes");

        string head;
        try
        {
            head = StrictUtf8.GetString(data[..end]);
        }
        catch (DecoderFallbackException)
        {
            return SipRequestParseResult.Malformed("the header section is not UTF-8");
        }

        var lines = head.Split("\r\n");
        foreach (var line in lines)
        {
            if (line.AsSpan().IndexOfAny('\r', '\n') >= 0)
                return SipRequestParseResult.Malformed("a line ends with a bare CR or LF instead of CRLF");
            if (line.Any(c => char.IsControl(c) && c != '\t'))
                return SipRequestParseResult.Malformed("a control character in the header section");
        }

        if (ParseRequestLine(lines[0], out var method, out var requestUri) is { } lineError)
            return SipRequestParseResult.Malformed(lineError);

        var (headers, headerError) = SipResponseParser.ParseHeaders(lines.AsSpan(1));
        if (headerError is not null)
            return SipRequestParseResult.Malformed(headerError);

        foreach (var name in SingleHeaders)
        {
            var count = headers.Count(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
            if (count > 1)
                return SipRequestParseResult.Malformed($"{count} {name} headers, where one is allowed");
            if (count == 0 && name != "Content-Length")
                return SipRequestParseResult.Malformed($"the mandatory {name} header is missing");
        }

        var via = headers.FirstOrDefault(h => h.Key == "Via").Value;
        if (via is null)
            return SipRequestParseResult.Malformed("the mandatory Via header is missing");
        var topViaText = SipResponseParser.FirstElement(via).Trim(' ', '\t');
        if (!SipResponseParser.TryParseVia(topViaText, out var topVia, out var viaError))
            return SipRequestParseResult.Malformed($"the top Via is malformed: {viaError}");
        if (topVia.Branch is not { Length: > 0 })
            return SipRequestParseResult.Malformed("the top Via has no branch");

        var callId = Value(headers, "Call-ID");
        if (callId.Length == 0 || callId.Any(char.IsWhiteSpace))
            return SipRequestParseResult.Malformed($"the Call-ID '{SipResponseParser.Printable(callId)}' is malformed");
        if (Value(headers, "From").Length == 0 || Value(headers, "To").Length == 0)
            return SipRequestParseResult.Malformed("an empty From or To header");
        if (!SipResponseParser.TryParseCSeq(Value(headers, "CSeq"), out var cseq, out var cseqMethod))
            return SipRequestParseResult.Malformed($"the CSeq '{SipResponseParser.Printable(Value(headers, "CSeq"))}' is not a number below 2^31 and a method");
        if (!string.Equals(cseqMethod, method, StringComparison.Ordinal))
            return SipRequestParseResult.Malformed($"the CSeq method {cseqMethod} is not the request's {method}");

        var bodyStart = end + HeaderEnd.Length;
        var available = data.Length - bodyStart;
        int bodyLength;
        var contentLength = headers.FirstOrDefault(h => h.Key == "Content-Length").Value;
        if (contentLength is null)
        {
            if (stream)
                return SipRequestParseResult.Malformed("no Content-Length, which a message on TCP or TLS must have (RFC 3261 18.3)");
            bodyLength = available;
        }
        else if (!int.TryParse(contentLength, NumberStyles.None, CultureInfo.InvariantCulture, out bodyLength))
        {
            return SipRequestParseResult.Malformed($"the Content-Length '{SipResponseParser.Printable(contentLength)}' is not a number");
        }

        if (bodyLength > SipResponseParser.MaxBodyBytes)
            return SipRequestParseResult.Malformed($"a body of {bodyLength} bytes, more than {SipResponseParser.MaxBodyBytes}");
        if (available < bodyLength)
        {
            return stream
                ? SipRequestParseResult.Incomplete
                : SipRequestParseResult.Malformed($"the datagram holds {available} body bytes, less than its Content-Length {bodyLength}");
        }

        var request = new SipRequest(
            method, requestUri, headers, topVia, topViaText, cseq, cseqMethod, data.Slice(bodyStart, bodyLength).ToArray());
        return new SipRequestParseResult(SipParseStatus.Complete, request, bodyStart + bodyLength, null);
    }

    // Request-Line = Method SP Request-URI SP SIP-Version (RFC 3261 7.1): exactly two single spaces.
    private static string? ParseRequestLine(string line, out string method, out string requestUri)
    {
        method = "";
        requestUri = "";
        var parts = line.Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || !SipResponseParser.IsToken(parts[0]) || parts[1].Length == 0
            || !parts[1].Contains(':', StringComparison.Ordinal) || !string.Equals(parts[2], "SIP/2.0", StringComparison.OrdinalIgnoreCase))
        {
            return $"the request line '{SipResponseParser.Printable(line)}' is not 'METHOD URI SIP/2.0'";
        }

        method = parts[0];
        requestUri = parts[1];
        return null;
    }

    private static string Value(List<KeyValuePair<string, string>> headers, string name) =>
        headers.First(h => h.Key == name).Value;

}
