using System.Text;
using FleetMonitor.Protocols.Sip;

namespace FleetMonitor.Probes.Tests.Sip;

public sealed class SipResponseParserTests
{
    // kamailio 5.6's answer to sipsak's OPTIONS, as captured on loopback (Via and To shortened).
    private const string Kamailio200 =
        "SIP/2.0 200 OK\r\n" +
        "Via: SIP/2.0/UDP 127.0.0.1:41592;branch=z9hG4bK.7ff81641;rport=47332;alias;received=127.0.0.1\r\n" +
        "From: sip:sipsak@127.0.0.1:41592;tag=6814bc91\r\n" +
        "To: sip:127.0.0.1:5060;tag=a45363010201c12697c26728a1ea42a4.2d8bfdcc\r\n" +
        "Call-ID: 1746189457@127.0.0.1\r\n" +
        "CSeq: 1 OPTIONS\r\n" +
        "Allow: OPTIONS\r\n" +
        "Accept: */*\r\n" +
        "Accept-Encoding: \r\n" +
        "Supported: \r\n" +
        "Server: kamailio (5.6.3 (x86_64/linux))\r\n" +
        "Content-Length: 0\r\n" +
        "\r\n";

    [Fact]
    public void Kamailio_200_parses_with_its_top_via_and_cseq()
    {
        var result = SipResponseParser.ParseDatagram(Bytes(Kamailio200));

        Assert.Equal(SipParseStatus.Complete, result.Status);
        var response = Assert.IsType<SipResponse>(result.Response);
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("OK", response.ReasonPhrase);
        Assert.True(response.IsFinal);
        Assert.Equal("UDP", response.TopVia.Transport);
        Assert.Equal("127.0.0.1", response.TopVia.Host);
        Assert.Equal(41592, response.TopVia.Port);
        Assert.Equal("z9hG4bK.7ff81641", response.TopVia.Branch);
        Assert.Equal("47332", response.TopVia.Rport);
        Assert.Equal("127.0.0.1", response.TopVia.Received);
        Assert.True(response.TopVia.Parameters.ContainsKey("alias"));
        Assert.Equal(1, response.CSeqNumber);
        Assert.Equal("OPTIONS", response.CSeqMethod);
        Assert.Equal("kamailio (5.6.3 (x86_64/linux))", response.Header("server"));
        Assert.Equal("", response.Header("Supported"));
        Assert.Equal(0, response.BodyLength);
        Assert.Equal(Kamailio200.Length, result.Consumed);
    }

    [Fact]
    public void Compact_names_folding_and_lists_are_understood()
    {
        const string text =
            "SIP/2.0 100 Trying\r\n" +
            "v: SIP / 2.0 / TCP [2001:db8::1]:5070 ;branch=z9hG4bKabc ;rport ;received=2001:db8::9, SIP/2.0/UDP proxy.example.com\r\n" +
            "v: SIP/2.0/UDP phone.example.com:5060;branch=z9hG4bKold\r\n" +
            "f: <sip:a@example.com>;tag=1\r\n" +
            "t: <sip:b@example.com>\r\n" +
            "i: abc@example.com\r\n" +
            "CSEQ: 42 OPTIONS\r\n" +
            "Allow: INVITE, ACK,\r\n" +
            "  OPTIONS, BYE\r\n" +
            "Allow: CANCEL\r\n" +
            "l: 4\r\n" +
            "\r\n" +
            "body";

        var response = Assert.IsType<SipResponse>(SipResponseParser.ParseStream(Bytes(text)).Response);

        Assert.Equal(100, response.StatusCode);
        Assert.False(response.IsFinal);
        Assert.Equal("TCP", response.TopVia.Transport);
        Assert.Equal("[2001:db8::1]", response.TopVia.Host);
        Assert.Equal(5070, response.TopVia.Port);
        Assert.Equal("z9hG4bKabc", response.TopVia.Branch);
        Assert.Null(response.TopVia.Rport);
        Assert.True(response.TopVia.Parameters.ContainsKey("rport"));
        Assert.Equal("2001:db8::9", response.TopVia.Received);
        Assert.Equal("abc@example.com", response.Header("Call-ID"));
        Assert.Equal(42, response.CSeqNumber);
        Assert.Equal("INVITE, ACK, OPTIONS, BYE, CANCEL", response.JoinedHeader("Allow"));
        Assert.Equal(4, response.BodyLength);
    }

    [Fact]
    public void Datagram_without_content_length_takes_the_rest_as_its_body()
    {
        var text = Kamailio200.Replace("Content-Length: 0\r\n", "", StringComparison.Ordinal) + "v=0\r\n";

        var result = SipResponseParser.ParseDatagram(Bytes(text));

        Assert.Equal(SipParseStatus.Complete, result.Status);
        Assert.Equal(5, result.Response!.BodyLength);
    }

    [Fact]
    public void Datagram_with_bytes_past_its_content_length_ignores_them()
    {
        var result = SipResponseParser.ParseDatagram(Bytes(Kamailio200 + "trailing"));

        Assert.Equal(SipParseStatus.Complete, result.Status);
        Assert.Equal(0, result.Response!.BodyLength);
    }

    [Theory]
    [InlineData("\r\n\r\n")]
    [InlineData("\r\n")]
    public void Blank_datagram_is_a_keep_alive(string text)
    {
        Assert.Equal(SipParseStatus.KeepAlive, SipResponseParser.ParseDatagram(Bytes(text)).Status);
    }

    public static TheoryData<string, string> MalformedReplies => new()
    {
        { "empty", "" },
        { "garbage", "hello, this is not SIP\r\n\r\n" },
        { "an HTTP response", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" },
        { "another SIP version", Kamailio200.Replace("SIP/2.0 200", "SIP/3.0 200", StringComparison.Ordinal) },
        { "a request, not a response", "OPTIONS sip:x SIP/2.0\r\n\r\n" },
        { "bare LF line ends", Kamailio200.Replace("\r\n", "\n", StringComparison.Ordinal) },
        { "a bare LF inside", Kamailio200.Replace("Allow: OPTIONS\r\n", "Allow: OPTIONS\nX: y\r\n", StringComparison.Ordinal) },
        { "no end of headers", Kamailio200[..^2] },
        { "a two-digit status", Kamailio200.Replace("200 OK", "20 OK", StringComparison.Ordinal) },
        { "a status above 699", Kamailio200.Replace("200 OK", "700 Odd", StringComparison.Ordinal) },
        { "no space after the status", Kamailio200.Replace("200 OK", "200OK", StringComparison.Ordinal) },
        { "a header without colon", Kamailio200.Replace("Allow: OPTIONS", "Allow OPTIONS", StringComparison.Ordinal) },
        { "a header name with a space", Kamailio200.Replace("Allow: OPTIONS", "All ow: OPTIONS", StringComparison.Ordinal) },
        { "a NUL byte", Kamailio200.Replace("Allow: OPTIONS", "Allow: OPT\0IONS", StringComparison.Ordinal) },
        { "a folded line first", Kamailio200.Replace("SIP/2.0 200 OK\r\n", "SIP/2.0 200 OK\r\n continued\r\n", StringComparison.Ordinal) },
        { "no Via", Without(Kamailio200, "Via") },
        { "no From", Without(Kamailio200, "From") },
        { "no To", Without(Kamailio200, "To") },
        { "no Call-ID", Without(Kamailio200, "Call-ID") },
        { "no CSeq", Without(Kamailio200, "CSeq") },
        { "two Call-IDs", Kamailio200.Replace("CSeq:", "Call-ID: second\r\nCSeq:", StringComparison.Ordinal) },
        { "a CSeq without method", Kamailio200.Replace("CSeq: 1 OPTIONS", "CSeq: 1", StringComparison.Ordinal) },
        { "a CSeq of 2^31", Kamailio200.Replace("CSeq: 1 OPTIONS", "CSeq: 2147483648 OPTIONS", StringComparison.Ordinal) },
        { "a negative CSeq", Kamailio200.Replace("CSeq: 1 OPTIONS", "CSeq: -1 OPTIONS", StringComparison.Ordinal) },
        { "a Call-ID with a space", Kamailio200.Replace("Call-ID: 1746189457@127.0.0.1", "Call-ID: a b", StringComparison.Ordinal) },
        { "a Via that is not SIP/2.0", Kamailio200.Replace("Via: SIP/2.0/UDP", "Via: SIP/1.0/UDP", StringComparison.Ordinal) },
        { "a Via without sent-by", Kamailio200.Replace("Via: SIP/2.0/UDP 127.0.0.1:41592;", "Via: SIP/2.0/UDP;", StringComparison.Ordinal) },
        { "a Via port above 65535", Kamailio200.Replace("127.0.0.1:41592", "127.0.0.1:70000", StringComparison.Ordinal) },
        { "a Via with a repeated parameter", Kamailio200.Replace(";alias;", ";alias;alias;", StringComparison.Ordinal) },
        { "a non-numeric Content-Length", Kamailio200.Replace("Content-Length: 0", "Content-Length: zero", StringComparison.Ordinal) },
        { "a negative Content-Length", Kamailio200.Replace("Content-Length: 0", "Content-Length: -1", StringComparison.Ordinal) },
        { "a Content-Length past the datagram", Kamailio200.Replace("Content-Length: 0", "Content-Length: 10", StringComparison.Ordinal) },
        { "a huge Content-Length", Kamailio200.Replace("Content-Length: 0", "Content-Length: 99999999999", StringComparison.Ordinal) },
    };

    [Theory]
    [MemberData(nameof(MalformedReplies))]
    public void Malformed_datagram_is_reported_with_a_reason(string what, string text)
    {
        var result = SipResponseParser.ParseDatagram(Bytes(text));

        Assert.True(result.Status == SipParseStatus.Malformed, $"{what}: {result.Status}");
        Assert.Null(result.Response);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
    }

    [Fact]
    public void Invalid_UTF8_is_malformed()
    {
        var bytes = Bytes(Kamailio200).ToArray();
        bytes[Kamailio200.IndexOf("OPTIONS", StringComparison.Ordinal)] = 0xFF;

        Assert.Equal(SipParseStatus.Malformed, SipResponseParser.ParseDatagram(bytes).Status);
    }

    [Fact]
    public void Stream_waits_for_the_rest_of_the_headers_and_the_body()
    {
        var text = Kamailio200.Replace("Content-Length: 0", "Content-Length: 3", StringComparison.Ordinal) + "abc";

        for (var cut = 1; cut < text.Length; cut++)
            Assert.Equal(SipParseStatus.Incomplete, SipResponseParser.ParseStream(Bytes(text[..cut])).Status);
        Assert.Equal(SipParseStatus.Complete, SipResponseParser.ParseStream(Bytes(text)).Status);
    }

    [Fact]
    public void Stream_frames_back_to_back_messages_by_content_length()
    {
        var trying = Kamailio200.Replace("200 OK", "100 Trying", StringComparison.Ordinal);
        var buffer = Bytes(trying + Kamailio200);

        var first = SipResponseParser.ParseStream(buffer);
        var second = SipResponseParser.ParseStream(buffer.AsSpan(first.Consumed));

        Assert.Equal(100, first.Response!.StatusCode);
        Assert.Equal(trying.Length, first.Consumed);
        Assert.Equal(200, second.Response!.StatusCode);
        Assert.Equal(Kamailio200.Length, second.Consumed);
    }

    [Fact]
    public void Stream_keep_alive_line_breaks_are_consumed_before_a_message()
    {
        var buffer = Bytes("\r\n\r\n" + Kamailio200);

        var keepAlive = SipResponseParser.ParseStream(buffer);
        var message = SipResponseParser.ParseStream(buffer.AsSpan(keepAlive.Consumed));

        Assert.Equal(SipParseStatus.KeepAlive, keepAlive.Status);
        Assert.Equal(4, keepAlive.Consumed);
        Assert.Equal(SipParseStatus.Complete, message.Status);
    }

    [Fact]
    public void Stream_message_without_content_length_is_malformed()
    {
        var text = Without(Kamailio200, "Content-Length");

        Assert.Equal(SipParseStatus.Malformed, SipResponseParser.ParseStream(Bytes(text)).Status);
    }

    [Fact]
    public void Stream_garbage_is_malformed_from_its_first_bytes()
    {
        Assert.Equal(SipParseStatus.Malformed, SipResponseParser.ParseStream("GET / H"u8).Status);
        Assert.Equal(SipParseStatus.Incomplete, SipResponseParser.ParseStream("SIP/2"u8).Status);
    }

    [Fact]
    public void Stream_header_section_without_end_is_malformed_past_the_limit()
    {
        var text = "SIP/2.0 200 OK\r\nX: " + new string('a', SipResponseParser.MaxHeaderBytes);

        Assert.Equal(SipParseStatus.Malformed, SipResponseParser.ParseStream(Bytes(text)).Status);
    }

    [Fact]
    public void Random_and_mutated_input_never_throws()
    {
        var random = new Random(3261);
        var valid = Encoding.UTF8.GetBytes(Kamailio200);
        for (var i = 0; i < 3000; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                input = new byte[random.Next(0, 600)];
                random.NextBytes(input);
            }
            else
            {
                input = valid[..random.Next(0, valid.Length + 1)];
                for (var flips = random.Next(1, 6); flips > 0 && input.Length > 0; flips--)
                    input[random.Next(input.Length)] = (byte)random.Next(256);
            }

            var datagram = SipResponseParser.ParseDatagram(input);
            var stream = SipResponseParser.ParseStream(input);

            Assert.True(datagram.Status != SipParseStatus.Complete || datagram.Response is not null);
            Assert.InRange(stream.Consumed, 0, input.Length);
        }
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Without(string message, string header) =>
        string.Join("\r\n", message.Split("\r\n").Where(line => !line.StartsWith(header + ":", StringComparison.Ordinal)));
}
