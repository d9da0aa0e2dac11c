using System.Text;
using FleetMonitor.Protocols.Sip;

namespace FleetMonitor.Probes.Tests.Sip;

public sealed class SipRequestParserTests
{
    // sipsak 0.9.8.1's OPTIONS (sipsak -s sip:127.0.0.1:5099), as captured on loopback.
    private const string SipsakOptions =
        "OPTIONS sip:127.0.0.1:5099 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 127.0.0.1:35117;branch=z9hG4bK.3468d8c6;rport;alias\r\n" +
        "From: sip:sipsak@127.0.0.1:35117;tag=ede779\r\n" +
        "To: sip:127.0.0.1:5099\r\n" +
        "Call-ID: 15591289@127.0.0.1\r\n" +
        "CSeq: 1 OPTIONS\r\n" +
        "Contact: sip:sipsak@127.0.0.1:35117\r\n" +
        "Content-Length: 0\r\n" +
        "Max-Forwards: 70\r\n" +
        "User-Agent: sipsak 0.9.8.1\r\n" +
        "Accept: text/plain\r\n" +
        "\r\n";

    [Fact]
    public void Sipsak_OPTIONS_parses_with_its_top_via_and_cseq()
    {
        var result = SipRequestParser.ParseDatagram(Bytes(SipsakOptions));

        Assert.Equal(SipParseStatus.Complete, result.Status);
        var request = Assert.IsType<SipRequest>(result.Request);
        Assert.Equal("OPTIONS", request.Method);
        Assert.Equal("sip:127.0.0.1:5099", request.RequestUri);
        Assert.Equal("SIP/2.0/UDP 127.0.0.1:35117;branch=z9hG4bK.3468d8c6;rport;alias", request.TopViaText);
        Assert.Equal("z9hG4bK.3468d8c6", request.TopVia.Branch);
        Assert.Equal(35117, request.TopVia.Port);
        Assert.Equal(1, request.CSeqNumber);
        Assert.Equal("sip:sipsak@127.0.0.1:35117", request.Header("contact"));
        Assert.True(request.Body.IsEmpty);
        Assert.Equal(SipsakOptions.Length, result.Consumed);
    }

    [Fact]
    public void Compact_names_and_several_vias_are_understood()
    {
        var text = "MESSAGE sip:a@example.com SIP/2.0\r\n" +
            "v: SIP/2.0/TCP proxy.example.com;branch=z9hG4bK1, SIP/2.0/TCP 10.0.0.2:5060;branch=z9hG4bK0\r\n" +
            "Via: SIP/2.0/UDP 10.0.0.3;branch=z9hG4bKz\r\n" +
            "f: <sip:b@example.com>;tag=1\r\nt: <sip:a@example.com>\r\ni: abc\r\nCSeq: 7 MESSAGE\r\nl: 5\r\n\r\nhello";

        var request = SipRequestParser.ParseStream(Bytes(text)).Request!;

        Assert.Equal("SIP/2.0/TCP proxy.example.com;branch=z9hG4bK1", request.TopViaText);
        Assert.Equal(2, request.HeaderValues("Via").Count());
        Assert.Equal("hello", Encoding.UTF8.GetString(request.Body.Span));
    }

    [Fact]
    public void A_stream_yields_a_request_once_whole_and_skips_keep_alives()
    {
        var bytes = Bytes(SipsakOptions);

        Assert.Equal(SipParseStatus.KeepAlive, SipRequestParser.ParseStream(Bytes("\r\n\r\n")).Status);
        Assert.Equal(SipParseStatus.Incomplete, SipRequestParser.ParseStream(bytes.AsSpan(0, 40)).Status);
        Assert.Equal(SipParseStatus.Complete, SipRequestParser.ParseStream(bytes).Status);
    }

    [Theory]
    [InlineData("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\n\r\n", "a response")]
    [InlineData("\u0016\u0003\u0001\u0000", "method")]
    [InlineData("OPTIONS  sip:a SIP/2.0\r\n\r\n", "request line")]
    [InlineData("OPTIONS sip:a SIP/3.0\r\n\r\n", "request line")]
    [InlineData("OPTIONS sip:a SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nFrom: <sip:b>\r\nTo: <sip:a>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n", "CSeq method")]
    [InlineData("OPTIONS sip:a SIP/2.0\r\nVia: SIP/2.0/UDP a\r\nFrom: <sip:b>\r\nTo: <sip:a>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\n", "branch")]
    [InlineData("OPTIONS sip:a SIP/2.0\r\nFrom: <sip:b>\r\nTo: <sip:a>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\n", "Via")]
    [InlineData("OPTIONS sip:a SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nFrom: <sip:b>\r\nTo: <sip:a>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 9\r\n\r\nshort", "Content-Length")]
    public void Malformed_requests_are_refused_with_a_reason(string text, string reason)
    {
        var result = SipRequestParser.ParseDatagram(Bytes(text));

        Assert.Equal(SipParseStatus.Malformed, result.Status);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_on_a_stream_needs_a_Content_Length()
    {
        var text = SipsakOptions.Replace("Content-Length: 0\r\n", "", StringComparison.Ordinal);

        var result = SipRequestParser.ParseStream(Bytes(text));

        Assert.Equal(SipParseStatus.Malformed, result.Status);
        Assert.Contains("Content-Length", result.Error, StringComparison.Ordinal);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
