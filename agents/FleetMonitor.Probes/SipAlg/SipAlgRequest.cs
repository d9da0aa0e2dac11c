using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using FleetMonitor.Protocols.Sip;
using FleetMonitor.Protocols.SipAlg;

namespace FleetMonitor.Probes.SipAlg;

/// <summary>
/// The <c>sip-alg</c> probe's request: an INVITE (or OPTIONS) as a phone on the LAN sends it, with the agent's private
/// address and port in the Via, Contact and From and in the SDP offer's o=, c= and m= lines (an ALG has something to
/// rewrite), and the same values in <see cref="SipAlgSnapshot.HeaderName"/>, where no ALG looks.
/// </summary>
internal sealed class SipAlgRequest
{
    private const string UserAgent = "FleetMonitor-Probe/1.0";

    private readonly string _requestUri;
    private readonly string _via;
    private readonly string _from;
    private readonly string _callId;

    private SipAlgRequest(
        string text, string method, string branch, long cseq, SipAlgSnapshot original, string requestUri, string via, string from, string callId)
    {
        Text = text;
        Method = method;
        Branch = branch;
        CSeq = cseq;
        Original = original;
        _requestUri = requestUri;
        _via = via;
        _from = from;
        _callId = callId;
    }

    public string Text { get; }

    /// <summary><c>INVITE</c> or <c>OPTIONS</c>.</summary>
    public string Method { get; }

    public string Branch { get; }

    public long CSeq { get; }

    /// <summary>The values as sent, which the request also carries encoded.</summary>
    public SipAlgSnapshot Original { get; }

    /// <summary>The status the mirror answers this method with: 200 to OPTIONS, 603 Decline to an INVITE (it takes no call).</summary>
    public int VerdictStatus => Method == "INVITE" ? 603 : 200;

    /// <summary>
    /// Builds the request to <paramref name="target"/> from <paramref name="local"/> (the address and port the probe
    /// sends from), offering audio on <paramref name="rtpPort"/>.
    /// </summary>
    public static SipAlgRequest Create(SipTarget target, SipTransport transport, SipAlgMethod method, IPEndPoint local, int rtpPort)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(local);
        var branch = SipOptionsRequest.MagicCookie + RandomNumberGenerator.GetHexString(16, lowercase: true);
        var tag = RandomNumberGenerator.GetHexString(8, lowercase: true);
        var callId = RandomNumberGenerator.GetHexString(24, lowercase: true);
        var cseq = 1 + RandomNumberGenerator.GetInt32(1 << 16);
        var session = RandomNumberGenerator.GetInt32(1, int.MaxValue).ToString(CultureInfo.InvariantCulture);
        var address = local.Address.IsIPv4MappedToIPv6 ? local.Address.MapToIPv4() : local.Address;
        var v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var uriHost = v6 ? $"[{address}]" : address.ToString();
        var sentBy = $"{uriHost}:{local.Port.ToString(CultureInfo.InvariantCulture)}";
        var (viaTransport, uriParameter) = transport == SipTransport.Tcp ? ("TCP", ";transport=tcp") : ("UDP", "");
        var methodName = method == SipAlgMethod.Invite ? "INVITE" : "OPTIONS";
        var requestUri = $"sip:alg-check@{target.UriHost}:{target.Port.ToString(CultureInfo.InvariantCulture)}{uriParameter}";

        // The port is written in From and Contact as phones write them, so that an ALG that maps address and port
        // (Linux's maps only the pair the connection comes from) recognises them.
        var via = $"SIP/2.0/{viaTransport} {sentBy};branch={branch};rport";
        var from = $"\"FleetMonitor\" <sip:fleetmonitor@{sentBy}>;tag={tag}";
        var contact = $"<sip:fleetmonitor@{sentBy}{uriParameter}>";
        var addressType = v6 ? "IP6" : "IP4";
        var origin = $"FleetMonitor {session} {session} IN {addressType} {address}";
        var connection = $"IN {addressType} {address}";
        var media = $"audio {rtpPort.ToString(CultureInfo.InvariantCulture)} RTP/AVP 0 8 101";
        var original = SipAlgSnapshot.Of(new Dictionary<string, string?>
        {
            [SipAlgField.Via] = via,
            [SipAlgField.Contact] = contact,
            [SipAlgField.From] = from,
            [SipAlgField.SdpOrigin] = origin,
            [SipAlgField.SdpConnection] = connection,
            [SipAlgField.SdpMedia] = media,
        });

        var sdp = new StringBuilder()
            .Append("v=0\r\n")
            .Append(CultureInfo.InvariantCulture, $"o={origin}\r\n")
            .Append("s=FleetMonitor SIP ALG check\r\n")
            .Append(CultureInfo.InvariantCulture, $"c={connection}\r\n")
            .Append("t=0 0\r\n")
            .Append(CultureInfo.InvariantCulture, $"m={media}\r\n")
            .Append("a=rtpmap:0 PCMU/8000\r\n")
            .Append("a=rtpmap:8 PCMA/8000\r\n")
            .Append("a=rtpmap:101 telephone-event/8000\r\n")
            .Append("a=fmtp:101 0-15\r\n")
            .Append("a=sendrecv\r\n")
            .ToString();

        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{methodName} {requestUri} SIP/2.0\r\n")
            .Append(CultureInfo.InvariantCulture, $"Via: {via}\r\n")
            .Append("Max-Forwards: 70\r\n")
            .Append(CultureInfo.InvariantCulture, $"From: {from}\r\n")
            .Append(CultureInfo.InvariantCulture, $"To: <{requestUri}>\r\n")
            .Append(CultureInfo.InvariantCulture, $"Call-ID: {callId}\r\n")
            .Append(CultureInfo.InvariantCulture, $"CSeq: {cseq} {methodName}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Contact: {contact}\r\n")
            .Append(CultureInfo.InvariantCulture, $"User-Agent: {UserAgent}\r\n")
            .Append(CultureInfo.InvariantCulture, $"{SipAlgSnapshot.HeaderName}: {original.Encode()}\r\n")
            .Append("Content-Type: application/sdp\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {Encoding.UTF8.GetByteCount(sdp)}\r\n")
            .Append("\r\n")
            .Append(sdp)
            .ToString();
        return new SipAlgRequest(text, methodName, branch, cseq, original, requestUri, via, from, callId);
    }

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(Text);

    /// <summary>True when <paramref name="response"/> belongs to this request's transaction (RFC 3261 17.1.3).</summary>
    public bool Matches(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return string.Equals(response.TopVia.Branch, Branch, StringComparison.Ordinal)
            && response.CSeqNumber == CSeq
            && string.Equals(response.CSeqMethod, Method, StringComparison.Ordinal);
    }

    /// <summary>
    /// The ACK of an INVITE's non-2xx final response (RFC 3261 17.1.1.3): the INVITE's Request-URI, top Via, From,
    /// Call-ID and CSeq number, and the response's To (with the tag it added).
    /// </summary>
    public byte[] AckFor(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var to = response.Header("To") ?? $"<{_requestUri}>";
        return Encoding.UTF8.GetBytes(new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"ACK {_requestUri} SIP/2.0\r\n")
            .Append(CultureInfo.InvariantCulture, $"Via: {_via}\r\n")
            .Append("Max-Forwards: 70\r\n")
            .Append(CultureInfo.InvariantCulture, $"From: {_from}\r\n")
            .Append(CultureInfo.InvariantCulture, $"To: {to}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Call-ID: {_callId}\r\n")
            .Append(CultureInfo.InvariantCulture, $"CSeq: {CSeq} ACK\r\n")
            .Append("Content-Length: 0\r\n")
            .Append("\r\n")
            .ToString());
    }
}
