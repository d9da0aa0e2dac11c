namespace FleetMonitor.Probes;

/// <summary>The finding codes the probes in this library emit, so that agents, services and tests spell them alike.</summary>
public static class FindingCodes
{
    /// <summary>The target could not be parsed (outcome Error).</summary>
    public const string InvalidTarget = "probe.invalid_target";

    /// <summary>A parameter was malformed or could not be used, such as an unreadable <c>ca_file</c> (outcome Error).</summary>
    public const string InvalidParameter = "probe.invalid_parameter";

    /// <summary>The probe itself failed in a way it did not foresee (outcome Error).</summary>
    public const string InternalError = "probe.internal_error";

    /// <summary>The name does not exist or has no address.</summary>
    public const string DnsNotFound = "dns.not_found";

    /// <summary>The resolver failed (no answer, server failure) rather than saying the name does not exist.</summary>
    public const string DnsFailed = "dns.failed";

    /// <summary>The resolver did not answer before the probe's deadline.</summary>
    public const string DnsTimeout = "dns.timeout";

    /// <summary>The resolver answered SERVFAIL: it, or the domain's authoritative servers, are broken.</summary>
    public const string DnsServfail = "dns.servfail";

    /// <summary>No <c>_sip._udp</c> SRV record: phones that follow RFC 3263 find no UDP SIP server (informational).</summary>
    public const string DnsSrvMissingSipUdp = "dns.srv_missing.sip_udp";

    /// <summary>No <c>_sip._tcp</c> SRV record: phones that follow RFC 3263 find no TCP SIP server (informational).</summary>
    public const string DnsSrvMissingSipTcp = "dns.srv_missing.sip_tcp";

    /// <summary>No <c>_sips._tcp</c> SRV record: phones that follow RFC 3263 find no TLS SIP server (informational).</summary>
    public const string DnsSrvMissingSipsTcp = "dns.srv_missing.sips_tcp";

    /// <summary>An SRV record names a target host that has no address (outcome Degraded).</summary>
    public const string DnsSrvTargetNotFound = "dns.srv_target_not_found";

    /// <summary>The peer answered the connection attempt with a reset: nothing listens on that port.</summary>
    public const string TcpRefused = "tcp.refused";

    /// <summary>The connection attempt got no answer before the deadline (or the kernel gave up).</summary>
    public const string TcpTimeout = "tcp.timeout";

    /// <summary>No route to the host or network (an ICMP unreachable or a local routing failure).</summary>
    public const string TcpUnreachable = "tcp.unreachable";

    /// <summary>The connection failed for another reason reported by the operating system.</summary>
    public const string TcpConnectFailed = "tcp.connect_failed";

    /// <summary>The TLS handshake did not complete (protocol error, peer closed, no certificate, deadline).</summary>
    public const string TlsHandshakeFailed = "tls.handshake_failed";

    /// <summary>Added beside <see cref="TlsHandshakeFailed"/> when the handshake ran into the deadline.</summary>
    public const string TlsTimeout = "tls.timeout";

    /// <summary>A certificate in the chain is past its end date.</summary>
    public const string TlsCertificateExpired = "tls.certificate_expired";

    /// <summary>A certificate in the chain is not valid yet (often a wrong clock on one side).</summary>
    public const string TlsCertificateNotYetValid = "tls.certificate_not_yet_valid";

    /// <summary>The server certificate expires within <c>min_days</c> (outcome Degraded).</summary>
    public const string TlsCertificateExpiring = "tls.certificate_expiring";

    /// <summary>The server certificate does not name the host asked for.</summary>
    public const string TlsNameMismatch = "tls.name_mismatch";

    /// <summary>The chain does not end at a trusted root (system store or <c>ca_file</c>), or is otherwise invalid.</summary>
    public const string TlsChainUntrusted = "tls.chain_untrusted";

    /// <summary>Response headers (or the rest of the body) did not arrive before the deadline.</summary>
    public const string HttpTimeout = "http.timeout";

    /// <summary>A final status 400-499 that <c>expect_status</c> did not allow; <c>http.status.&lt;code&gt;</c> comes with it.</summary>
    public const string HttpStatus4xx = "http.status_4xx";

    /// <summary>A final status 500-599 that <c>expect_status</c> did not allow; <c>http.status.&lt;code&gt;</c> comes with it.</summary>
    public const string HttpStatus5xx = "http.status_5xx";

    /// <summary>Any other final status that <c>expect_status</c> did not allow; <c>http.status.&lt;code&gt;</c> comes with it.</summary>
    public const string HttpStatusUnexpected = "http.status_unexpected";

    /// <summary>More redirects than the probe follows.</summary>
    public const string HttpTooManyRedirects = "http.too_many_redirects";

    /// <summary>The proxy refused or failed the tunnel (CONNECT) to the target.</summary>
    public const string HttpProxyError = "http.proxy_error";

    /// <summary>The server broke HTTP/1.1: a malformed response, or the connection ended mid-response.</summary>
    public const string HttpProtocolError = "http.protocol_error";

    /// <summary>No final response to the SIP OPTIONS request before the deadline (or RFC 3261 timer F).</summary>
    public const string SipTimeout = "sip.timeout";

    /// <summary>The reply was not a well-formed SIP response (garbage, a broken SIP ALG, not a SIP server).</summary>
    public const string SipMalformedResponse = "sip.malformed_response";

    /// <summary>A final SIP status 400-499; <c>sip.status.&lt;code&gt;</c> comes with it.</summary>
    public const string SipStatus4xx = "sip.status_4xx";

    /// <summary>A final SIP status 500-599; <c>sip.status.&lt;code&gt;</c> comes with it.</summary>
    public const string SipStatus5xx = "sip.status_5xx";

    /// <summary>Any other final SIP status that is not 2xx (3xx, 6xx); <c>sip.status.&lt;code&gt;</c> comes with it.</summary>
    public const string SipStatusUnexpected = "sip.status_unexpected";

    /// <summary>The server saw the request from another address or port than the probe sent it from (informational).</summary>
    public const string SipNatDetected = "sip.nat_detected";

    /// <summary>An ICMP error (port, host or network unreachable) answered the UDP request.</summary>
    public const string SipUnreachable = "sip.unreachable";

    /// <summary>The server closed or reset the TCP/TLS connection before a final response.</summary>
    public const string SipConnectionClosed = "sip.connection_closed";

    /// <summary>None of the media stream's packets came back from the echo (outcome Failed).</summary>
    public const string MediaNoEcho = "media.no_echo";

    /// <summary>The media stream's round-trip loss is above <c>max_loss_percent</c> (outcome Degraded).</summary>
    public const string MediaLossHigh = "media.loss_high";

    /// <summary>The media stream's RFC 3550 jitter is above <c>max_jitter_ms</c> (outcome Degraded).</summary>
    public const string MediaJitterHigh = "media.jitter_high";

    /// <summary>The media stream's E-model MOS (with PLC) is below <c>min_mos</c> (outcome Degraded).</summary>
    public const string MediaMosLow = "media.mos_low";

    /// <summary>No port of <c>local_ports</c> could be bound to send the media stream from (outcome Error).</summary>
    public const string MediaLocalPortUnavailable = "media.local_port_unavailable";

    /// <summary>The specific status code finding, such as <c>http.status.404</c>.</summary>
    public static string HttpStatus(int code) => $"http.status.{code}";

    /// <summary>The specific SIP status code finding, such as <c>sip.status.503</c>.</summary>
    public static string SipStatus(int code) => $"sip.status.{code}";
}
