using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace FleetMonitor.Protocols.Sip;

/// <summary>
/// One RFC 3261 OPTIONS request as a phone's keep-alive or a monitoring tool sends it, with the identifiers a response
/// must echo: the Via branch (RFC 3261 8.1.1.7 magic cookie) and the CSeq.
/// </summary>
internal sealed class SipOptionsRequest
{
    /// <summary>The RFC 3261 branch prefix that marks a transaction id unique in space and time.</summary>
    public const string MagicCookie = "z9hG4bK";

    private const string UserAgent = "FleetMonitor-Probe/1.0";

    private SipOptionsRequest(string text, string branch, long cseq)
    {
        Text = text;
        Branch = branch;
        CSeq = cseq;
    }

    public string Text { get; }

    public string Branch { get; }

    public long CSeq { get; }

    /// <summary>Builds the request to <paramref name="target"/> from <paramref name="local"/>, the address the probe sends from.</summary>
    public static SipOptionsRequest Create(SipTarget target, SipTransport transport, IPEndPoint local)
    {
        var branch = MagicCookie + RandomNumberGenerator.GetHexString(16, lowercase: true);
        var tag = RandomNumberGenerator.GetHexString(8, lowercase: true);
        var callId = RandomNumberGenerator.GetHexString(24, lowercase: true);
        var cseq = 1 + RandomNumberGenerator.GetInt32(1 << 16);
        var localHost = local.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{local.Address}]" : local.Address.ToString();
        var sentBy = $"{localHost}:{local.Port.ToString(CultureInfo.InvariantCulture)}";
        var (viaTransport, uriParameter) = transport switch
        {
            SipTransport.Tcp => ("TCP", ";transport=tcp"),
            SipTransport.Tls => ("TLS", ";transport=tls"),
            _ => ("UDP", ""),
        };
        var requestUri = $"sip:{target.UriHost}:{target.Port.ToString(CultureInfo.InvariantCulture)}";

        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"OPTIONS {requestUri}{uriParameter} SIP/2.0\r\n")
            .Append(CultureInfo.InvariantCulture, $"Via: SIP/2.0/{viaTransport} {sentBy};branch={branch};rport\r\n")
            .Append("Max-Forwards: 70\r\n")
            .Append(CultureInfo.InvariantCulture, $"From: \"FleetMonitor\" <sip:fleetmonitor@{localHost}>;tag={tag}\r\n")
            .Append(CultureInfo.InvariantCulture, $"To: <{requestUri}>\r\n")
            .Append(CultureInfo.InvariantCulture, $"Call-ID: {callId}@{localHost}\r\n")
            .Append(CultureInfo.InvariantCulture, $"CSeq: {cseq} OPTIONS\r\n")
            .Append(CultureInfo.InvariantCulture, $"Contact: <sip:fleetmonitor@{sentBy}{uriParameter}>\r\n")
            .Append("Accept: application/sdp\r\n")
            .Append(CultureInfo.InvariantCulture, $"User-Agent: {UserAgent}\r\n")
            .Append("Content-Length: 0\r\n")
            .Append("\r\n")
            .ToString();
        return new SipOptionsRequest(text, branch, cseq);
    }

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(Text);

    /// <summary>True when <paramref name="response"/> belongs to this request's transaction (RFC 3261 17.1.3).</summary>
    public bool Matches(SipResponse response) =>
        string.Equals(response.TopVia.Branch, Branch, StringComparison.Ordinal)
        && response.CSeqNumber == CSeq
        && string.Equals(response.CSeqMethod, "OPTIONS", StringComparison.Ordinal);
}
