using System.Net;
using System.Text;
using FleetMonitor.Probes.SipAlg;
using FleetMonitor.Protocols.Sip;
using FleetMonitor.Protocols.SipAlg;

namespace FleetMonitor.Probes.Tests.SipAlg;

public sealed class SipAlgRequestTests
{
    private static readonly IPEndPoint Local = new(IPAddress.Parse("10.0.0.2"), 40000);
    private static readonly SipTarget Mirror = new("203.0.113.2", 5060);

    [Fact]
    public void INVITE_carries_the_private_address_wherever_a_phone_writes_it()
    {
        var request = SipAlgRequest.Create(Mirror, SipTransport.Udp, SipAlgMethod.Invite, Local, 16384);
        var lines = request.Text.Split("\r\n");

        Assert.Equal("INVITE sip:alg-check@203.0.113.2:5060 SIP/2.0", lines[0]);
        Assert.Equal($"Via: SIP/2.0/UDP 10.0.0.2:40000;branch={request.Branch};rport", lines[1]);
        Assert.Matches("^z9hG4bK[0-9a-f]{16}$", request.Branch);
        Assert.Contains(lines, l => l.StartsWith("From: \"FleetMonitor\" <sip:fleetmonitor@10.0.0.2:40000>;tag=", StringComparison.Ordinal));
        Assert.Contains("Contact: <sip:fleetmonitor@10.0.0.2:40000>", lines);
        Assert.Contains($"CSeq: {request.CSeq} INVITE", lines);
        Assert.Contains("Content-Type: application/sdp", lines);
        Assert.Contains(lines, l => l.StartsWith("o=FleetMonitor ", StringComparison.Ordinal) && l.EndsWith(" IN IP4 10.0.0.2", StringComparison.Ordinal));
        Assert.Contains("c=IN IP4 10.0.0.2", lines);
        Assert.Contains("m=audio 16384 RTP/AVP 0 8 101", lines);
        Assert.Contains($"{SipAlgSnapshot.HeaderName}: {request.Original.Encode()}", lines);
        Assert.Equal(603, request.VerdictStatus);

        // Under a typical path MTU, so that neither UDP fragments nor a TCP segment boundary hides it from an ALG.
        Assert.InRange(Encoding.UTF8.GetByteCount(request.Text), 800, 1300);
    }

    [Fact]
    public void Request_is_well_formed_SIP_with_the_right_Content_Length()
    {
        var request = SipAlgRequest.Create(Mirror, SipTransport.Tcp, SipAlgMethod.Options, Local, 20000);

        var parsed = SipRequestParser.ParseStream(request.ToBytes());

        Assert.Equal(SipParseStatus.Complete, parsed.Status);
        Assert.Equal(request.ToBytes().Length, parsed.Consumed);
        var received = parsed.Request!;
        Assert.Equal("OPTIONS", received.Method);
        Assert.Equal("sip:alg-check@203.0.113.2:5060;transport=tcp", received.RequestUri);
        Assert.Equal("TCP", received.TopVia.Transport);
        Assert.Equal("<sip:fleetmonitor@10.0.0.2:40000;transport=tcp>", received.Header("Contact"));
        Assert.Equal(200, request.VerdictStatus);
    }

    [Fact]
    public void IPv6_addresses_are_bracketed_in_SIP_and_bare_in_SDP()
    {
        var local = new IPEndPoint(IPAddress.Parse("2001:db8::2"), 40000);

        var request = SipAlgRequest.Create(new SipTarget("2001:db8::1", 5060), SipTransport.Udp, SipAlgMethod.Invite, local, 16384);

        Assert.Equal("SIP/2.0/UDP [2001:db8::2]:40000;branch=" + request.Branch + ";rport", request.Original[SipAlgField.Via]);
        Assert.Equal("IN IP6 2001:db8::2", request.Original[SipAlgField.SdpConnection]);
        Assert.StartsWith("INVITE sip:alg-check@[2001:db8::1]:5060 SIP/2.0", request.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void ACK_of_the_decline_reuses_the_branch_and_takes_the_To_tag()
    {
        var request = SipAlgRequest.Create(Mirror, SipTransport.Udp, SipAlgMethod.Invite, Local, 16384);
        var response = Response(request, "603 Decline", "INVITE");

        var ack = SipRequestParser.ParseDatagram(request.AckFor(response)).Request!;

        Assert.Equal("ACK", ack.Method);
        Assert.Equal("sip:alg-check@203.0.113.2:5060", ack.RequestUri);
        Assert.Equal(request.Branch, ack.TopVia.Branch);
        Assert.Equal(request.CSeq, ack.CSeqNumber);
        Assert.Equal("ACK", ack.CSeqMethod);
        Assert.Equal("<sip:alg-check@203.0.113.2:5060>;tag=abc", ack.Header("To"));
        Assert.True(ack.Body.IsEmpty);
    }

    [Fact]
    public void Only_its_own_transaction_matches()
    {
        var request = SipAlgRequest.Create(Mirror, SipTransport.Udp, SipAlgMethod.Invite, Local, 16384);
        var other = SipAlgRequest.Create(Mirror, SipTransport.Udp, SipAlgMethod.Invite, Local, 16384);

        Assert.True(request.Matches(Response(request, "603 Decline", "INVITE")));
        Assert.False(request.Matches(Response(request, "200 OK", "OPTIONS")));
        Assert.False(request.Matches(Response(other, "603 Decline", "INVITE")));
    }

    private static SipResponse Response(SipAlgRequest request, string status, string method)
    {
        var text = $"SIP/2.0 {status}\r\n" +
            $"Via: SIP/2.0/UDP 10.0.0.2:40000;branch={request.Branch};rport=40000;received=10.0.0.2\r\n" +
            "From: <sip:fleetmonitor@10.0.0.2:40000>;tag=1\r\n" +
            "To: <sip:alg-check@203.0.113.2:5060>;tag=abc\r\n" +
            "Call-ID: x\r\n" +
            $"CSeq: {request.CSeq} {method}\r\n" +
            "Content-Length: 0\r\n\r\n";
        return SipResponseParser.ParseDatagram(Encoding.UTF8.GetBytes(text)).Response!;
    }
}
