using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using FleetMonitor.Protocols.Sip;
using FleetMonitor.Protocols.SipAlg;

namespace FleetMonitor.Reflector.SipMirror;

/// <summary>
/// The SIP mirror's decision on one parsed request: only a <c>sip-alg</c> probe request (an INVITE or OPTIONS over the
/// transport its Via names, with a readable <see cref="SipAlgSnapshot.HeaderName"/>) is answered, with a verdict naming
/// what arrived other than the probe sent it, and never with more bytes than the request had.
/// </summary>
internal static class SipMirrorResponder
{
    /// <summary>The largest request the mirror reads: a probe request is about 1.1 kB.</summary>
    public const int MaxRequestBytes = 4096;

    /// <summary>Decides on <paramref name="request"/>, <paramref name="requestBytes"/> long on the wire, from <paramref name="source"/>.</summary>
    public static SipMirrorDecision Decide(SipRequest request, int requestBytes, IPEndPoint source, SipTransport transport)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(source);
        if (request.Method == "ACK")
            return SipMirrorDecision.Ack;
        if (request.Method is not ("INVITE" or "OPTIONS"))
            return SipMirrorDecision.Drop(ReflectorMetrics.SipMirrorDropReason.NotProbe);
        if (!string.Equals(request.TopVia.Transport, transport.ToString(), StringComparison.OrdinalIgnoreCase))
            return SipMirrorDecision.Drop(ReflectorMetrics.SipMirrorDropReason.Malformed);

        var copies = request.HeaderValues(SipAlgSnapshot.HeaderName).ToArray();
        if (copies.Length != 1 || !SipAlgSnapshot.TryDecode(copies[0], out var original, out _))
            return SipMirrorDecision.Drop(ReflectorMetrics.SipMirrorDropReason.NotProbe);

        var rewritten = original.RewrittenIn(SipAlgSnapshot.Of(request));
        var seen = new IPEndPoint(source.Address.IsIPv4MappedToIPv6 ? source.Address.MapToIPv4() : source.Address, source.Port);
        var reply = Reply(request, new SipAlgVerdict(rewritten, seen));

        // The mirror must not amplify: the reply leaves out the request's body, Contact and encoded copy, so this holds
        // for every request it answers; the check keeps it so should the formats change.
        return reply.Length <= requestBytes
            ? SipMirrorDecision.Answer(reply, rewritten)
            : SipMirrorDecision.Drop(ReflectorMetrics.SipMirrorDropReason.ReplyTooLarge);
    }

    /// <summary>
    /// The verdict response (RFC 3261 8.2.6): 200 to OPTIONS, 603 Decline to an INVITE (the mirror takes no call), with
    /// the request's Via (the top one given received and rport, RFC 3581), From, To (with a tag), Call-ID and CSeq.
    /// </summary>
    internal static byte[] Reply(SipRequest request, SipAlgVerdict verdict)
    {
        var vias = request.HeaderValues("Via").ToList();
        var rest = vias[0][SipResponseParser.FirstElement(vias[0]).Length..];
        vias[0] = WithReceived(request.TopViaText, verdict.Source) + rest;
        var to = request.Header("To")!;
        if (!to.Contains(";tag=", StringComparison.OrdinalIgnoreCase))
            to += ";tag=" + RandomNumberGenerator.GetHexString(8, lowercase: true);

        var text = new StringBuilder(request.Method == "INVITE" ? "SIP/2.0 603 Decline\r\n" : "SIP/2.0 200 OK\r\n");
        foreach (var via in vias)
            text.Append(CultureInfo.InvariantCulture, $"Via: {via}\r\n");
        text.Append(CultureInfo.InvariantCulture, $"From: {request.Header("From")}\r\n")
            .Append(CultureInfo.InvariantCulture, $"To: {to}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Call-ID: {request.Header("Call-ID")}\r\n")
            .Append(CultureInfo.InvariantCulture, $"CSeq: {request.Header("CSeq")}\r\n")
            .Append(CultureInfo.InvariantCulture, $"{SipAlgVerdict.HeaderName}: {verdict.Format()}\r\n")
            .Append("Content-Length: 0\r\n")
            .Append("\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The Via with <c>received</c> set to the source address, and <c>rport</c> filled in when the client asked for it.</summary>
    private static string WithReceived(string via, IPEndPoint source)
    {
        var parts = via.Split(';');
        var kept = new List<string> { parts[0] };
        foreach (var parameter in parts.Skip(1))
        {
            var name = parameter.Split('=')[0].Trim();
            if (name.Equals("received", StringComparison.OrdinalIgnoreCase))
                continue;
            kept.Add(name.Equals("rport", StringComparison.OrdinalIgnoreCase)
                ? $"rport={source.Port.ToString(CultureInfo.InvariantCulture)}"
                : parameter);
        }

        kept.Add($"received={source.Address}");
        return string.Join(';', kept);
    }
}
