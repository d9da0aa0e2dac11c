using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using FleetMonitor.Probes.SipAlg;
using FleetMonitor.Protocols.Sip;
using FleetMonitor.Protocols.SipAlg;
using FleetMonitor.Reflector.SipMirror;
using Xunit.Abstractions;

namespace FleetMonitor.Reflector.Tests.SipMirror;

public sealed partial class SipMirrorResponderTests(ITestOutputHelper output)
{
    private static readonly IPEndPoint Local = IPEndPoint.Parse("10.0.0.2:40000");
    private static readonly IPEndPoint Public = IPEndPoint.Parse("203.0.113.1:40000");
    private static readonly SipTarget Mirror = new("203.0.113.2", 5060);

    [Fact]
    public void Request_that_arrives_as_sent_is_declined_with_verdict_none_and_the_source_seen()
    {
        var request = SipAlgRequest.Create(Mirror, SipTransport.Udp, SipAlgMethod.Invite, Local, 16384);

        var decision = Decide(request.Text, Local, SipTransport.Udp);

        var reply = Reply(decision);
        Assert.Equal(603, reply.StatusCode);
        Assert.Equal("Decline", reply.ReasonPhrase);
        Assert.True(request.Matches(reply));
        Assert.Empty(decision.Rewritten);
        Assert.True(SipAlgVerdict.TryParse(reply.Header(SipAlgVerdict.HeaderName), out var verdict, out _));
        Assert.Empty(verdict.Rewritten);
        Assert.Equal(Local, verdict.Source);
        Assert.Equal("10.0.0.2", reply.TopVia.Received);
        Assert.Equal("40000", reply.TopVia.Rport);
        Assert.Matches("^<sip:alg-check@203\\.0\\.113\\.2:5060>;tag=[0-9a-f]{8}$", reply.Header("To"));
    }

    [Fact]
    public void What_a_Linux_style_ALG_rewrote_is_named_and_the_NAT_is_seen()
    {
        var request = SipAlgRequest.Create(Mirror, SipTransport.Udp, SipAlgMethod.Invite, Local, 16384);

        var decision = Decide(Rewrite(request.Text), Public, SipTransport.Udp);

        var reply = Reply(decision);
        string[] expected = [SipAlgField.Via, SipAlgField.Contact, SipAlgField.From, SipAlgField.SdpOrigin, SipAlgField.SdpConnection];
        Assert.Equal(expected, decision.Rewritten);
        Assert.True(SipAlgVerdict.TryParse(reply.Header(SipAlgVerdict.HeaderName), out var verdict, out _));
        Assert.Equal(expected, verdict.Rewritten);
        Assert.Equal(Public, verdict.Source);
        Assert.Equal("203.0.113.1", reply.TopVia.Received);
    }

    [Theory]
    [InlineData("invite", "udp")]
    [InlineData("invite", "tcp")]
    [InlineData("options", "udp")]
    [InlineData("options", "tcp")]
    public void Reply_is_well_under_the_request_size(string methodName, string transportName)
    {
        var method = Enum.Parse<SipAlgMethod>(methodName, ignoreCase: true);
        var transport = Enum.Parse<SipTransport>(transportName, ignoreCase: true);
        var request = SipAlgRequest.Create(Mirror, transport, method, Local, 16384);
        var rewritten = Rewrite(request.Text);

        var reply = Decide(rewritten, Public, transport).Reply!;

        var ratio = (double)reply.Length / Encoding.UTF8.GetByteCount(rewritten);
        output.WriteLine($"{method} over {transport}: request {Encoding.UTF8.GetByteCount(rewritten)} bytes, reply {reply.Length} bytes, ratio {ratio:F2}");
        Assert.InRange(ratio, 0.2, 0.6);
        Assert.Equal(method == SipAlgMethod.Invite ? 603 : 200, Reply(reply).StatusCode);
    }

    [Fact]
    public void A_reply_that_would_be_larger_than_the_request_is_not_sent()
    {
        var request = SipAlgRequest.Create(Mirror, SipTransport.Udp, SipAlgMethod.Options, Local, 16384);
        var parsed = SipRequestParser.ParseDatagram(Encoding.UTF8.GetBytes(request.Text)).Request!;

        var decision = SipMirrorResponder.Decide(parsed, requestBytes: 200, Local, SipTransport.Udp);

        Assert.Equal(ReflectorMetrics.SipMirrorDropReason.ReplyTooLarge, decision.DropReason);
        Assert.Null(decision.Reply);
    }

    [Fact]
    public void An_ACK_is_absorbed_without_an_answer()
    {
        var request = SipAlgRequest.Create(Mirror, SipTransport.Udp, SipAlgMethod.Invite, Local, 16384);
        var reply = Reply(Decide(request.Text, Local, SipTransport.Udp));

        var decision = Decide(Encoding.UTF8.GetString(request.AckFor(reply)), Local, SipTransport.Udp);

        Assert.True(decision.IsAck);
        Assert.Null(decision.Reply);
    }

    [Fact]
    public void Requests_that_are_not_the_probes_are_dropped()
    {
        var request = SipAlgRequest.Create(Mirror, SipTransport.Udp, SipAlgMethod.Options, Local, 16384);
        var copy = $"{SipAlgSnapshot.HeaderName}: {request.Original.Encode()}\r\n";

        // Another method with the copy; the copy missing, twice or unreadable; a Via naming another transport.
        var register = request.Text.Replace("OPTIONS ", "REGISTER ", StringComparison.Ordinal).Replace(" OPTIONS\r\n", " REGISTER\r\n", StringComparison.Ordinal);
        var without = request.Text.Replace(copy, "", StringComparison.Ordinal);
        var twice = request.Text.Replace(copy, copy + copy, StringComparison.Ordinal);
        var unreadable = request.Text.Replace(copy, $"{SipAlgSnapshot.HeaderName}: bm90IGEgY29weQ\r\n", StringComparison.Ordinal);

        Assert.Equal(ReflectorMetrics.SipMirrorDropReason.NotProbe, Decide(register, Local, SipTransport.Udp).DropReason);
        Assert.Equal(ReflectorMetrics.SipMirrorDropReason.NotProbe, Decide(without, Local, SipTransport.Udp).DropReason);
        Assert.Equal(ReflectorMetrics.SipMirrorDropReason.NotProbe, Decide(twice, Local, SipTransport.Udp).DropReason);
        Assert.Equal(ReflectorMetrics.SipMirrorDropReason.NotProbe, Decide(unreadable, Local, SipTransport.Udp).DropReason);
        Assert.Equal(ReflectorMetrics.SipMirrorDropReason.Malformed, Decide(request.Text, Local, SipTransport.Tcp).DropReason);
    }

    [Fact]
    public void Every_Via_is_returned_and_only_the_top_one_gets_received_and_rport()
    {
        var request = SipAlgRequest.Create(Mirror, SipTransport.Udp, SipAlgMethod.Options, Local, 16384);
        var text = request.Text.Replace("\r\nMax-Forwards: 70\r\n", "\r\nVia: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKlower\r\nMax-Forwards: 70\r\n", StringComparison.Ordinal);

        var reply = Encoding.UTF8.GetString(Decide(text, Public, SipTransport.Udp).Reply!);

        var vias = reply.Split("\r\n").Where(l => l.StartsWith("Via: ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, vias.Length);
        Assert.Equal($"Via: SIP/2.0/UDP 10.0.0.2:40000;branch={request.Branch};rport=40000;received=203.0.113.1", vias[0]);
        Assert.Equal("Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKlower", vias[1]);
    }

    private static SipMirrorDecision Decide(string text, IPEndPoint source, SipTransport transport)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var parsed = SipRequestParser.ParseDatagram(bytes);
        Assert.True(parsed.Request is not null, parsed.Error);
        return SipMirrorResponder.Decide(parsed.Request, bytes.Length, source, transport);
    }

    private static SipResponse Reply(SipMirrorDecision decision)
    {
        Assert.True(decision.Reply is not null, $"dropped: {decision.DropReason}");
        return Reply(decision.Reply);
    }

    private static SipResponse Reply(byte[] bytes)
    {
        var parsed = SipResponseParser.ParseDatagram(bytes);
        Assert.True(parsed.Response is not null, parsed.Error);
        return parsed.Response;
    }

    /// <summary>What Linux's ALG was seen to do to an INVITE: the private address:port in Via, Contact and From, and the address in SDP o= and c=.</summary>
    private static string Rewrite(string request)
    {
        var split = request.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = request[..split].Replace("10.0.0.2:40000", "203.0.113.1:40000", StringComparison.Ordinal);
        var body = SdpAddress().Replace(request[(split + 4)..], m => m.Value.Replace("10.0.0.2", "203.0.113.1", StringComparison.Ordinal));
        head = ContentLength().Replace(head, "Content-Length: " + Encoding.UTF8.GetByteCount(body).ToString(CultureInfo.InvariantCulture));
        return head + "\r\n\r\n" + body;
    }

    [GeneratedRegex("(?m)^[oc]=.*$")]
    private static partial Regex SdpAddress();

    [GeneratedRegex("Content-Length: [0-9]+")]
    private static partial Regex ContentLength();
}
