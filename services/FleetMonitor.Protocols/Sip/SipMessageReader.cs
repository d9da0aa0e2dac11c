using System.Globalization;
using System.Text;

namespace FleetMonitor.Protocols.Sip;

/// <summary>
/// The framing that <see cref="SipRequestParser"/> and <see cref="SipResponseParser"/> share (RFC 3261 7.5, 18.3):
/// keep-alives before a message, the CRLF-terminated header section, the headers allowed once, and Content-Length.
/// </summary>
internal static class SipMessageReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly string[] SingleHeaders = ["From", "To", "Call-ID", "CSeq", "Content-Length"];

    private static ReadOnlySpan<byte> HeaderEnd => "\r\n\r\n"u8;

    /// <summary>
    /// What precedes a message: <see cref="SipParseStatus.KeepAlive"/> with the bytes it takes (a blank datagram, or
    /// CRLFs before a start line on a stream), <see cref="SipParseStatus.Incomplete"/> when a stream has too little to
    /// tell, otherwise <see cref="SipParseStatus.Complete"/>: parse a message.
    /// </summary>
    public static SipParseStatus Preamble(ReadOnlySpan<byte> data, bool stream, out int keepAlive)
    {
        keepAlive = 0;
        if (!stream)
        {
            if (data.Length > 0 && data.IndexOfAnyExcept("\r\n \t"u8) < 0)
            {
                keepAlive = data.Length;
                return SipParseStatus.KeepAlive;
            }

            return SipParseStatus.Complete;
        }

        // RFC 3261 7.5: CRLFs before a start line on a stream are ignored (they are keep-alives, RFC 5626 sends CRLFCRLF).
        while (keepAlive + 1 < data.Length && data[keepAlive] == '\r' && data[keepAlive + 1] == '\n')
            keepAlive += 2;
        if (keepAlive > 0)
            return SipParseStatus.KeepAlive;
        if (data.Length == 0 || data is [(byte)'\r'])
            return SipParseStatus.Incomplete;
        return SipParseStatus.Complete;
    }

    /// <summary>Finds the end of the header section and splits it into lines, each free of bare CR, LF and controls.</summary>
    public static SipParseStatus ReadHead(ReadOnlySpan<byte> data, bool stream, out int end, out string[] lines, out string? error)
    {
        lines = [];
        error = null;
        end = data.IndexOf(HeaderEnd);
        if (end < 0)
        {
            if (data.Length > SipResponseParser.MaxHeaderBytes)
                return Malformed($"no end of the header section within {SipResponseParser.MaxHeaderBytes} bytes", out error);
            return stream ? SipParseStatus.Incomplete : Malformed("the header section does not end with an empty line (CRLF CRLF)", out error);
        }

        if (end > SipResponseParser.MaxHeaderBytes)
            return Malformed($"the header section is longer than {SipResponseParser.MaxHeaderBytes} bytes", out error);

        string head;
        try
        {
            head = StrictUtf8.GetString(data[..end]);
        }
        catch (DecoderFallbackException)
        {
            return Malformed("the header section is not UTF-8", out error);
        }

        lines = head.Split("\r\n");
        foreach (var line in lines)
        {
            if (line.AsSpan().IndexOfAny('\r', '\n') >= 0)
                return Malformed("a line ends with a bare CR or LF instead of CRLF", out error);
            if (line.Any(c => char.IsControl(c) && c != '\t'))
                return Malformed("a control character in the header section", out error);
        }

        return SipParseStatus.Complete;
    }

    /// <summary>Why the headers allowed once are repeated or, but for Content-Length, missing; null when they are not.</summary>
    public static string? CheckSingleHeaders(List<KeyValuePair<string, string>> headers)
    {
        foreach (var name in SingleHeaders)
        {
            var count = headers.Count(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
            if (count > 1)
                return $"{count} {name} headers, where one is allowed";
            if (count == 0 && name != "Content-Length")
                return $"the mandatory {name} header is missing";
        }

        return null;
    }

    /// <summary>
    /// Where the body starts and how long it is, from Content-Length (or, in a datagram, the bytes left);
    /// <paramref name="quote"/> renders a bad Content-Length value in the error.
    /// </summary>
    public static SipParseStatus FrameBody(
        List<KeyValuePair<string, string>> headers, int dataLength, int end, bool stream, Func<string, string> quote,
        out int bodyStart, out int bodyLength, out string? error)
    {
        error = null;
        bodyStart = end + HeaderEnd.Length;
        var available = dataLength - bodyStart;
        var contentLength = headers.FirstOrDefault(h => h.Key == "Content-Length").Value;
        if (contentLength is null)
        {
            bodyLength = available;
            if (stream)
                return Malformed("no Content-Length, which a message on TCP or TLS must have (RFC 3261 18.3)", out error);
        }
        else if (!int.TryParse(contentLength, NumberStyles.None, CultureInfo.InvariantCulture, out bodyLength))
        {
            return Malformed($"the Content-Length '{quote(contentLength)}' is not a number", out error);
        }

        if (bodyLength > SipResponseParser.MaxBodyBytes)
            return Malformed($"a body of {bodyLength} bytes, more than {SipResponseParser.MaxBodyBytes}", out error);
        if (available < bodyLength)
        {
            return stream
                ? SipParseStatus.Incomplete
                : Malformed($"the datagram holds {available} body bytes, less than its Content-Length {bodyLength}", out error);
        }

        return SipParseStatus.Complete;
    }

    /// <summary>The value of a header known to be present.</summary>
    public static string Value(List<KeyValuePair<string, string>> headers, string name) =>
        headers.First(h => h.Key == name).Value;

    private static SipParseStatus Malformed(string reason, out string? error)
    {
        error = reason;
        return SipParseStatus.Malformed;
    }
}
