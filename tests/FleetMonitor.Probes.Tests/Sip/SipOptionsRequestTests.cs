using System.Net;
using System.Text;
using FleetMonitor.Protocols.Sip;

namespace FleetMonitor.Probes.Tests.Sip;

public sealed class SipOptionsRequestTests
{
    private static readonly IPEndPoint Local = new(IPAddress.Parse("192.0.2.10"), 40000);

    [Fact]
    public void Udp_request_has_every_header_RFC_3261_asks_of_an_OPTIONS()
    {
        var request = SipOptionsRequest.Create(new SipTarget("pbx.example.com", 5060), SipTransport.Udp, Local);
        var lines = request.Text.Split("\r\n");

        Assert.Equal("OPTIONS sip:pbx.example.com:5060 SIP/2.0", lines[0]);
        Assert.Equal($"Via: SIP/2.0/UDP 192.0.2.10:40000;branch={request.Branch};rport", lines[1]);
        Assert.Matches("^z9hG4bK[0-9a-f]{16}$", request.Branch);
        Assert.Contains("Max-Forwards: 70", lines);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, "^From: \"FleetMonitor\" <sip:fleetmonitor@192\\.0\\.2\\.10>;tag=[0-9a-f]{8}$"));
        Assert.Contains("To: <sip:pbx.example.com:5060>", lines);
        Assert.Contains(lines, l => l.StartsWith("Call-ID: ", StringComparison.Ordinal) && l.EndsWith("@192.0.2.10", StringComparison.Ordinal));
        Assert.Contains($"CSeq: {request.CSeq} OPTIONS", lines);
        Assert.Contains("Contact: <sip:fleetmonitor@192.0.2.10:40000>", lines);
        Assert.Contains("Accept: application/sdp", lines);
        Assert.Contains(lines, l => l.StartsWith("User-Agent: FleetMonitor", StringComparison.Ordinal));
        Assert.Contains("Content-Length: 0", lines);
        Assert.EndsWith("\r\n\r\n", request.Text, StringComparison.Ordinal);
        Assert.Equal(1, CountOf(request.Text, "\r\n\r\n"));
        Assert.InRange(request.CSeq, 1, int.MaxValue);
    }

    [Fact]
    public void Tls_request_to_IPv6_brackets_addresses_and_names_the_transport()
    {
        var local = new IPEndPoint(IPAddress.IPv6Loopback, 40001);

        var request = SipOptionsRequest.Create(new SipTarget("2001:db8::5", 5061), SipTransport.Tls, local);
        var lines = request.Text.Split("\r\n");

        Assert.Equal("OPTIONS sip:[2001:db8::5]:5061;transport=tls SIP/2.0", lines[0]);
        Assert.StartsWith("Via: SIP/2.0/TLS [::1]:40001;branch=z9hG4bK", lines[1], StringComparison.Ordinal);
        Assert.Contains("Contact: <sip:fleetmonitor@[::1]:40001;transport=tls>", lines);
    }

    [Fact]
    public void Each_request_is_a_new_transaction()
    {
        var target = new SipTarget("127.0.0.1", 5060);

        var first = SipOptionsRequest.Create(target, SipTransport.Udp, Local);
        var second = SipOptionsRequest.Create(target, SipTransport.Udp, Local);

        Assert.NotEqual(first.Branch, second.Branch);
    }

    [Fact]
    public void Only_a_response_with_its_branch_and_CSeq_matches()
    {
        var request = SipOptionsRequest.Create(new SipTarget("127.0.0.1", 5060), SipTransport.Udp, Local);

        Assert.True(request.Matches(Parse(FakeSipResponses.Build(request.Text, 200, "OK"))));
        Assert.False(request.Matches(Parse(FakeSipResponses.Build(request.Text, 200, "OK", via => via.Replace(request.Branch, "z9hG4bKother", StringComparison.Ordinal)))));
        Assert.False(request.Matches(Parse(FakeSipResponses.Build(request.Text.Replace($"CSeq: {request.CSeq} ", $"CSeq: {request.CSeq + 1} ", StringComparison.Ordinal), 200, "OK"))));
    }

    private static SipResponse Parse(byte[] datagram) =>
        SipResponseParser.ParseDatagram(datagram).Response ?? throw new InvalidOperationException(Encoding.UTF8.GetString(datagram));

    private static int CountOf(string text, string part) =>
        (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
