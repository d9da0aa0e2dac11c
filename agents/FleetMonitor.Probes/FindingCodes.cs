using FleetMonitor.Protocols.Exposure;

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

    /// <summary>The Reflector's SIP mirror saw the request as sent: no SIP ALG on the way (informational).</summary>
    public const string SipAlgNone = "sip.alg.none";

    /// <summary>Something on the way (a SIP ALG) rewrote the request's top Via (outcome Degraded; which transport is in the facts).</summary>
    public const string SipAlgRewroteVia = "sip.alg.rewrote_via";

    /// <summary>A SIP ALG rewrote the request's Contact (outcome Degraded).</summary>
    public const string SipAlgRewroteContact = "sip.alg.rewrote_contact";

    /// <summary>A SIP ALG rewrote the request's From (outcome Degraded).</summary>
    public const string SipAlgRewroteFrom = "sip.alg.rewrote_from";

    /// <summary>A SIP ALG rewrote the SDP offer's o=, c= or m= line (outcome Degraded: media goes where the ALG says).</summary>
    public const string SipAlgRewroteSdp = "sip.alg.rewrote_sdp";

    /// <summary>The SIP mirror could not be reached: an ICMP error, a refused or failed connection (outcome Failed).</summary>
    public const string SipAlgMirrorUnreachable = "sip.alg.mirror_unreachable";

    /// <summary>No answer from the SIP mirror before the deadline: it is down, or something drops the request or the reply (outcome Failed).</summary>
    public const string SipAlgTimeout = "sip.alg.timeout";

    /// <summary>The answer carried no readable verdict: not a FleetMonitor mirror, or mangled on the way (outcome Failed).</summary>
    public const string SipAlgNoVerdict = "sip.alg.no_verdict";

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

    /// <summary>The connect-back scan found no open port on the site's public address (informational).</summary>
    public const string ExposureNone = "exposure.none";

    /// <summary>The Reflector did not accept the agent's credentials (unknown user, wrong password, clock too far off; outcome Error).</summary>
    public const string ExposureUnauthorized = "exposure.unauthorized";

    /// <summary>The Reflector refused the scan for now: this agent or this address used its scans (outcome Error).</summary>
    public const string ExposureRateLimited = "exposure.rate_limited";

    /// <summary>The Reflector refused the request as malformed (outcome Error).</summary>
    public const string ExposureRejected = "exposure.rejected";

    /// <summary>The Reflector could not be reached, failed, or did not answer before the deadline (outcome Error).</summary>
    public const string ExposureReflectorFailed = "exposure.reflector_failed";

    /// <summary>The scan result's MAC did not verify: something between the agent and the Reflector changed it (outcome Error).</summary>
    public const string ExposureBadSignature = "exposure.bad_signature";

    /// <summary>No UPnP Internet Gateway Device answered the SSDP search on this LAN (informational: nothing can map ports).</summary>
    public const string UpnpNotFound = "upnp.not_found";

    /// <summary>An IGD answered but its description or control service could not be used (outcome Degraded).</summary>
    public const string UpnpFailed = "upnp.failed";

    /// <summary>A UPnP port mapping of SIP (5060, 5061): the phone's signalling is reachable from the internet (outcome Degraded).</summary>
    public const string UpnpMappingSip = "upnp.mapping.sip";

    /// <summary>A UPnP port mapping into an RTP range (the site's, or 10000-20000 and 16384-32767/udp; outcome Degraded).</summary>
    public const string UpnpMappingRtp = "upnp.mapping.rtp";

    /// <summary>A UPnP port mapping of a remote-admin port (22, 23, 80, 443, 3389, 7547, 8080, 8443; outcome Degraded).</summary>
    public const string UpnpMappingAdmin = "upnp.mapping.admin";

    /// <summary>A run of consecutive external ports mapped to one host: a range opened port by port (outcome Degraded).</summary>
    public const string UpnpMappingWideRange = "upnp.mapping.wide_range";

    /// <summary>A mapping to another host on the LAN than this machine (informational: another device opened it).</summary>
    public const string UpnpMappingOtherHost = "upnp.mapping.other_host";

    /// <summary>The IGD lists more mappings than the probe reads (informational).</summary>
    public const string UpnpMappingsTruncated = "upnp.mappings_truncated";

    /// <summary>
    /// The deadline came while the mappings were being read: the ones read are reported (with their findings), the rest
    /// are unknown (outcome Degraded).
    /// </summary>
    public const string UpnpIncomplete = "upnp.incomplete";

    // The nat probe's codes.

    /// <summary>The mapped address is the local address: no NAT between the agent and the Reflector (informational).</summary>
    public const string NatNone = "nat.none";

    /// <summary>Endpoint-independent mapping (informational).</summary>
    public const string NatMappingEndpointIndependent = "nat.mapping.endpoint_independent";

    /// <summary>Address-dependent mapping (informational; <see cref="NatSymmetric"/> comes with it).</summary>
    public const string NatMappingAddressDependent = "nat.mapping.address_dependent";

    /// <summary>Address-and-port-dependent mapping (informational; <see cref="NatSymmetric"/> comes with it).</summary>
    public const string NatMappingAddressAndPortDependent = "nat.mapping.address_and_port_dependent";

    /// <summary>Endpoint-independent filtering (informational; <see cref="ExposureNatFilteringOpen"/> comes with it).</summary>
    public const string NatFilteringEndpointIndependent = "nat.filtering.endpoint_independent";

    /// <summary>Address-dependent filtering (informational).</summary>
    public const string NatFilteringAddressDependent = "nat.filtering.address_dependent";

    /// <summary>Address-and-port-dependent filtering (informational).</summary>
    public const string NatFilteringAddressAndPortDependent = "nat.filtering.address_and_port_dependent";

    /// <summary>
    /// Endpoint-independent filtering: anyone on the internet can send to a port the phone or PC has used, which is an
    /// exposure and not only a NAT fact (outcome Degraded).
    /// </summary>
    public const string ExposureNatFilteringOpen = "exposure.nat_filtering_open";

    /// <summary>
    /// Address- or address-and-port-dependent mapping ("symmetric" NAT): the port the PBX learns for RTP is not the one
    /// a peer can use, so media needs a relay or the far end's latching (outcome Degraded).
    /// </summary>
    public const string NatSymmetric = "nat.symmetric";

    /// <summary>An idle UDP binding died before <c>keepalive_s</c>: registrations and incoming calls break between keep-alives (outcome Degraded).</summary>
    public const string NatBindingShort = "nat.binding_short";

    /// <summary>
    /// The probe's timeout left the binding lifetime search less than <c>max_lifetime_s</c> and the binding outlived
    /// what it could try, below <c>keepalive_s</c>: whether it outlives the keep-alive is not known (informational; give
    /// the probe a longer timeout).
    /// </summary>
    public const string NatBindingLifetimeUnmeasured = "nat.binding_lifetime_unmeasured";

    /// <summary>The NAT does not loop back traffic sent to its own public address (informational: matters for two phones behind one NAT).</summary>
    public const string NatHairpinUnsupported = "nat.hairpin_unsupported";

    /// <summary>MAPPED-ADDRESS differs from XOR-MAPPED-ADDRESS: something on the path rewrites addresses inside payloads (outcome Degraded).</summary>
    public const string NatAlgSuspected = "nat.alg_suspected";

    /// <summary>
    /// The mapped address is in 100.64.0.0/10 (carrier-grade NAT) or private space: another NAT lies between this one and
    /// the internet (informational).
    /// </summary>
    public const string NatCgnatSuspected = "nat.cgnat_suspected";

    /// <summary>No answer to the first Binding request after every retransmission: UDP to the Reflector is blocked or it is down (outcome Failed).</summary>
    public const string NatNoResponse = "nat.no_response";

    /// <summary>The server does not do RFC 5780 (no OTHER-ADDRESS, an answer from the wrong address, an error) (outcome Error).</summary>
    public const string NatServerUnsupported = "nat.server_unsupported";

    /// <summary>The Reflector refused CHANGE-REQUEST or RESPONSE-PORT (401): <c>username</c>/<c>password</c> missing or wrong (outcome Error).</summary>
    public const string NatUnauthorized = "nat.unauthorized";

    /// <summary>A test the verdict needs got no conclusive answer (the alternate address silent, the deadline too short) (outcome Error).</summary>
    public const string NatIncomplete = "nat.incomplete";

    /// <summary>The specific status code finding, such as <c>http.status.404</c>.</summary>
    public static string HttpStatus(int code) => $"http.status.{code}";

    /// <summary>The specific SIP status code finding, such as <c>sip.status.503</c>.</summary>
    public static string SipStatus(int code) => $"sip.status.{code}";

    /// <summary>An open port on the site's public address, such as <c>exposure.open.5060/udp</c>.</summary>
    public static string ExposureOpen(ExposurePort port) => $"exposure.open.{port}";
}
