using System.Buffers;
using System.Text;

namespace FleetMonitor.Protocols.Sip;

/// <summary>
/// A strict parser of SIP requests (RFC 3261 sections 7.1, 18.3 and 20), the server-side twin of
/// <see cref="SipResponseParser"/> and built from its pieces: the Request-Line, CRLF-terminated headers with folding and
/// compact names, the mandatory Via, From, To, Call-ID and CSeq (whose method must be the Request-Line's), and
/// Content-Length framing. It never throws for its input.
/// </summary>
internal static class SipRequestParser
{
    // RFC 3261 25.1 token characters, which a method is made of.
    private static readonly SearchValues<byte> TokenBytes =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.!%*_+`'~"u8);

    /// <summary>Parses one UDP datagram, which holds exactly one message (RFC 3261 18.3).</summary>
    public static SipRequestParseResult ParseDatagram(ReadOnlySpan<byte> datagram) => Parse(datagram, stream: false);

    /// <summary>
    /// Parses the first message in the bytes read so far from a TCP or TLS stream. <see cref="SipRequestParseResult.Consumed"/>
    /// says how many bytes it (or the keep-alive blank lines before it) took; the next message starts there.
    /// </summary>
    public static SipRequestParseResult ParseStream(ReadOnlySpan<byte> buffer) => Parse(buffer, stream: true);

    private static SipRequestParseResult Parse(ReadOnlySpan<byte> data, bool stream)
    {
        switch (SipMessageReader.Preamble(data, stream, out var keepAlive))
        {
            case SipParseStatus.KeepAlive:
                return new SipRequestParseResult(SipParseStatus.KeepAlive, null, keepAlive, null);
            case SipParseStatus.Incomplete:
                return SipRequestParseResult.Incomplete;
        }

        if (data.Length == 0)
            return SipRequestParseResult.Malformed("the message is empty");

        // A request starts with a method token; a response (or garbage) is refused at once, before buffering more.
        var firstSpace = data.IndexOf((byte)' ');
        var prefix = firstSpace < 0 ? data : data[..firstSpace];
        if (firstSpace >= 0 && Ascii.EqualsIgnoreCase(prefix, "SIP/2.0"u8))
            return SipRequestParseResult.Malformed("the message is a response, not a request");
        if (prefix.ContainsAnyExcept(TokenBytes))
            return SipRequestParseResult.Malformed($"the message does not start with a method: '{SipResponseParser.Printable(data)}'");

        var head = SipMessageReader.ReadHead(data, stream, out var end, out var lines, out var error);
        if (head != SipParseStatus.Complete)
            return head == SipParseStatus.Incomplete ? SipRequestParseResult.Incomplete : SipRequestParseResult.Malformed(error!);

        if (ParseRequestLine(lines[0], out var method, out var requestUri) is { } lineError)
            return SipRequestParseResult.Malformed(lineError);

        var (headers, headerError) = SipResponseParser.ParseHeaders(lines.AsSpan(1));
        if (headerError is not null)
            return SipRequestParseResult.Malformed(headerError);

        if (SipMessageReader.CheckSingleHeaders(headers) is { } singleError)
            return SipRequestParseResult.Malformed(singleError);

        var via = headers.FirstOrDefault(h => h.Key == "Via").Value;
        if (via is null)
            return SipRequestParseResult.Malformed("the mandatory Via header is missing");
        var topViaText = SipResponseParser.FirstElement(via).Trim(' ', '\t');
        if (!SipResponseParser.TryParseVia(topViaText, out var topVia, out var viaError))
            return SipRequestParseResult.Malformed($"the top Via is malformed: {viaError}");
        if (topVia.Branch is not { Length: > 0 })
            return SipRequestParseResult.Malformed("the top Via has no branch");

        var callId = SipMessageReader.Value(headers, "Call-ID");
        if (callId.Length == 0 || callId.Any(char.IsWhiteSpace))
            return SipRequestParseResult.Malformed($"the Call-ID '{SipResponseParser.Printable(callId)}' is malformed");
        if (SipMessageReader.Value(headers, "From").Length == 0 || SipMessageReader.Value(headers, "To").Length == 0)
            return SipRequestParseResult.Malformed("an empty From or To header");
        if (!SipResponseParser.TryParseCSeq(SipMessageReader.Value(headers, "CSeq"), out var cseq, out var cseqMethod))
            return SipRequestParseResult.Malformed($"the CSeq '{SipResponseParser.Printable(SipMessageReader.Value(headers, "CSeq"))}' is not a number below 2^31 and a method");
        if (!string.Equals(cseqMethod, method, StringComparison.Ordinal))
            return SipRequestParseResult.Malformed($"the CSeq method {cseqMethod} is not the request's {method}");

        var body = SipMessageReader.FrameBody(
            headers, data.Length, end, stream, SipResponseParser.Printable, out var bodyStart, out var bodyLength, out error);
        if (body != SipParseStatus.Complete)
            return body == SipParseStatus.Incomplete ? SipRequestParseResult.Incomplete : SipRequestParseResult.Malformed(error!);

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
}
