using System.Buffers.Text;
using System.Net;
using System.Text;
using FleetMonitor.Probes.SipAlg;
using FleetMonitor.Protocols.Sip;
using FleetMonitor.Protocols.SipAlg;

namespace FleetMonitor.Probes.Tests.SipAlg;

public sealed class SipAlgSnapshotTests
{
    private static readonly IPEndPoint Local = new(IPAddress.Parse("10.0.0.2"), 40000);
    private static readonly SipTarget Mirror = new("203.0.113.2", 5060);

    [Fact]
    public void Encoded_copy_round_trips_and_holds_nothing_an_ALG_looks_for()
    {
        var request = SipAlgRequest.Create(Mirror, SipTransport.Udp, SipAlgMethod.Invite, Local, 16384);

        var encoded = request.Original.Encode();

        Assert.Matches("^[A-Za-z0-9_-]+$", encoded);
        Assert.DoesNotContain("10.0.0.2", encoded, StringComparison.Ordinal);
        Assert.True(SipAlgSnapshot.TryDecode(encoded, out var decoded, out var error), error);
        Assert.Equal(SipAlgField.All, decoded.Fields);
        foreach (var field in SipAlgField.All)
            Assert.Equal(request.Original[field], decoded[field]);
        Assert.Empty(request.Original.RewrittenIn(decoded));
    }

    [Fact]
    public void Request_that_arrives_as_sent_has_nothing_rewritten()
    {
        foreach (var transport in new[] { SipTransport.Udp, SipTransport.Tcp })
        {
            foreach (var method in new[] { SipAlgMethod.Invite, SipAlgMethod.Options })
            {
                var request = SipAlgRequest.Create(Mirror, transport, method, Local, 16384);

                var received = Parse(request.Text);

                Assert.Empty(request.Original.RewrittenIn(SipAlgSnapshot.Of(received)));
                Assert.True(SipAlgSnapshot.TryDecode(received.Header(SipAlgSnapshot.HeaderName), out var copy, out _));
                Assert.Empty(copy.RewrittenIn(SipAlgSnapshot.Of(received)));
            }
        }
    }

    [Fact]
    public void What_Linux_rewrites_in_an_INVITE_is_named_field_by_field()
    {
        var request = SipAlgRequest.Create(Mirror, SipTransport.Udp, SipAlgMethod.Invite, Local, 16384);

        var received = Parse(LinuxAlg.Rewrite(request.Text, "10.0.0.2", "203.0.113.1"));

        Assert.Equal(
            [SipAlgField.Via, SipAlgField.Contact, SipAlgField.From, SipAlgField.SdpOrigin, SipAlgField.SdpConnection],
            request.Original.RewrittenIn(SipAlgSnapshot.Of(received)));
        Assert.Equal(request.Original.Encode(), received.Header(SipAlgSnapshot.HeaderName));
    }

    [Fact]
    public void Headers_only_rewrite_leaves_the_SDP_fields_out()
    {
        var request = SipAlgRequest.Create(Mirror, SipTransport.Tcp, SipAlgMethod.Options, Local, 16384);

        var received = Parse(LinuxAlg.Rewrite(request.Text, "10.0.0.2", "203.0.113.1", sdp: false));

        Assert.Equal([SipAlgField.Via, SipAlgField.Contact, SipAlgField.From], request.Original.RewrittenIn(SipAlgSnapshot.Of(received)));
    }

    [Fact]
    public void A_changed_media_port_or_a_removed_header_counts_as_rewritten()
    {
        var request = SipAlgRequest.Create(Mirror, SipTransport.Udp, SipAlgMethod.Invite, Local, 16384);
        var text = request.Text.Replace("m=audio 16384 ", "m=audio 16386 ", StringComparison.Ordinal);
        var withoutContact = string.Join("\r\n", text.Split("\r\n").Where(l => !l.StartsWith("Contact:", StringComparison.Ordinal)));

        var received = Parse(withoutContact);

        Assert.Equal([SipAlgField.Contact, SipAlgField.SdpMedia], request.Original.RewrittenIn(SipAlgSnapshot.Of(received)));
    }

    [Fact]
    public void Compact_header_names_and_bare_LF_in_the_SDP_read_the_same()
    {
        var request = SipAlgRequest.Create(Mirror, SipTransport.Udp, SipAlgMethod.Invite, Local, 16384);
        var split = request.Text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = request.Text[..split]
            .Replace("\r\nVia: ", "\r\nv: ", StringComparison.Ordinal)
            .Replace("\r\nContact: ", "\r\nm: ", StringComparison.Ordinal)
            .Replace("\r\nFrom: ", "\r\nf: ", StringComparison.Ordinal);
        var body = request.Text[(split + 4)..].Replace("\r\n", "\n", StringComparison.Ordinal);
        head = head.Replace($"Content-Length: {Encoding.UTF8.GetByteCount(request.Text[(split + 4)..])}", $"Content-Length: {body.Length}", StringComparison.Ordinal);

        var received = Parse(head + "\r\n\r\n" + body);

        Assert.Empty(request.Original.RewrittenIn(SipAlgSnapshot.Of(received)));
    }

    [Fact]
    public void Unknown_fields_of_a_newer_probe_are_skipped()
    {
        var encoded = Encode("v=1\nvia=SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKx\ncall_id=abc@10.0.0.2");

        Assert.True(SipAlgSnapshot.TryDecode(encoded, out var snapshot, out var error), error);
        Assert.Equal([SipAlgField.Via], snapshot.Fields);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("dj0x=", "base64url")]
    [InlineData("dj0x!", "base64url")]
    [InlineData("v=2\nvia=x", "first line")]
    [InlineData("v=1", "no field")]
    [InlineData("v=1\ncall_id=x", "no field")]
    [InlineData("v=1\nvia=a\nvia=b", "twice")]
    [InlineData("v=1\nvia=", "printable")]
    [InlineData("v=1\nvia=a\tb", "printable")]
    [InlineData("v=1\nVia=a", "printable")]
    [InlineData("v=1\nvia", "printable")]
    public void Malformed_copies_are_refused_with_a_reason(string payload, string reason)
    {
        var encoded = payload.Length == 0 || payload.StartsWith("dj0x", StringComparison.Ordinal) ? payload : Encode(payload);

        Assert.False(SipAlgSnapshot.TryDecode(encoded, out var snapshot, out var error));
        Assert.Null(snapshot);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Oversized_and_non_UTF8_copies_are_refused()
    {
        Assert.False(SipAlgSnapshot.TryDecode(new string('A', SipAlgSnapshot.MaxEncodedLength + 1), out _, out _));
        Assert.False(SipAlgSnapshot.TryDecode(Base64Url.EncodeToString([0x76, 0x3D, 0x31, 0x0A, 0xFF, 0xFE]), out _, out var error));
        Assert.Contains("UTF-8", error, StringComparison.Ordinal);
    }

    private static string Encode(string payload) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload));

    private static SipRequest Parse(string text)
    {
        var parsed = SipRequestParser.ParseDatagram(Encoding.UTF8.GetBytes(text));
        return parsed.Request ?? throw new InvalidOperationException($"the request did not parse: {parsed.Error}\n{text}");
    }
}
