using System.Collections.Frozen;

namespace FleetMonitor.Agent.Cli;

/// <summary>One line of plain language per finding code, for the text output support staff read.</summary>
internal static class FindingExplanations
{
    private static readonly FrozenDictionary<string, string> ByCode = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["probe.invalid_target"] = "The target could not be parsed (outcome Error).",
        ["probe.invalid_parameter"] = "A parameter was malformed or could not be used, such as an unreadable ca_file (outcome Error).",
        ["probe.internal_error"] = "The probe itself failed in a way it did not foresee (outcome Error).",
        ["dns.not_found"] = "The name does not exist or has no address.",
        ["dns.failed"] = "The resolver failed (no answer, server failure) rather than saying the name does not exist.",
        ["dns.timeout"] = "The resolver did not answer before the probe's deadline.",
        ["dns.servfail"] = "The resolver answered SERVFAIL: it, or the domain's authoritative servers, are broken.",
        ["dns.srv_missing.sip_udp"] = "No _sip._udp SRV record: phones that follow RFC 3263 find no UDP SIP server (informational).",
        ["dns.srv_missing.sip_tcp"] = "No _sip._tcp SRV record: phones that follow RFC 3263 find no TCP SIP server (informational).",
        ["dns.srv_missing.sips_tcp"] = "No _sips._tcp SRV record: phones that follow RFC 3263 find no TLS SIP server (informational).",
        ["dns.srv_target_not_found"] = "An SRV record names a target host that has no address (outcome Degraded).",
        ["tcp.refused"] = "The peer answered the connection attempt with a reset: nothing listens on that port.",
        ["tcp.timeout"] = "The connection attempt got no answer before the deadline (or the kernel gave up).",
        ["tcp.unreachable"] = "No route to the host or network (an ICMP unreachable or a local routing failure).",
        ["tcp.connect_failed"] = "The connection failed for another reason reported by the operating system.",
        ["tls.handshake_failed"] = "The TLS handshake did not complete (protocol error, peer closed, no certificate, deadline).",
        ["tls.timeout"] = "Added beside TlsHandshakeFailed when the handshake ran into the deadline.",
        ["tls.certificate_expired"] = "A certificate in the chain is past its end date.",
        ["tls.certificate_not_yet_valid"] = "A certificate in the chain is not valid yet (often a wrong clock on one side).",
        ["tls.certificate_expiring"] = "The server certificate expires within min_days (outcome Degraded).",
        ["tls.name_mismatch"] = "The server certificate does not name the host asked for.",
        ["tls.chain_untrusted"] = "The chain does not end at a trusted root (system store or ca_file), or is otherwise invalid.",
        ["http.timeout"] = "Response headers (or the rest of the body) did not arrive before the deadline.",
        ["http.status_4xx"] = "A final status 400-499 that expect_status did not allow; http.status.&lt;code&gt; comes with it.",
        ["http.status_5xx"] = "A final status 500-599 that expect_status did not allow; http.status.&lt;code&gt; comes with it.",
        ["http.status_unexpected"] = "Any other final status that expect_status did not allow; http.status.&lt;code&gt; comes with it.",
        ["http.too_many_redirects"] = "More redirects than the probe follows.",
        ["http.proxy_error"] = "The proxy refused or failed the tunnel (CONNECT) to the target.",
        ["http.protocol_error"] = "The server broke HTTP/1.1: a malformed response, or the connection ended mid-response.",
        ["sip.timeout"] = "No final response to the SIP OPTIONS request before the deadline (or RFC 3261 timer F).",
        ["sip.malformed_response"] = "The reply was not a well-formed SIP response (garbage, a broken SIP ALG, not a SIP server).",
        ["sip.status_4xx"] = "A final SIP status 400-499; sip.status.&lt;code&gt; comes with it.",
        ["sip.status_5xx"] = "A final SIP status 500-599; sip.status.&lt;code&gt; comes with it.",
        ["sip.status_unexpected"] = "Any other final SIP status that is not 2xx (3xx, 6xx); sip.status.&lt;code&gt; comes with it.",
        ["sip.nat_detected"] = "The server saw the request from another address or port than the probe sent it from (informational).",
        ["sip.unreachable"] = "An ICMP error (port, host or network unreachable) answered the UDP request.",
        ["sip.connection_closed"] = "The server closed or reset the TCP/TLS connection before a final response.",
        ["sip.alg.none"] = "The Reflector's SIP mirror saw the request as sent: no SIP ALG on the way (informational).",
        ["sip.alg.rewrote_via"] = "Something on the way (a SIP ALG) rewrote the request's top Via (outcome Degraded; which transport is in the facts).",
        ["sip.alg.rewrote_contact"] = "A SIP ALG rewrote the request's Contact (outcome Degraded).",
        ["sip.alg.rewrote_from"] = "A SIP ALG rewrote the request's From (outcome Degraded).",
        ["sip.alg.rewrote_sdp"] = "A SIP ALG rewrote the SDP offer's o=, c= or m= line (outcome Degraded: media goes where the ALG says).",
        ["sip.alg.mirror_unreachable"] = "The SIP mirror could not be reached: an ICMP error, a refused or failed connection (outcome Failed).",
        ["sip.alg.timeout"] = "No answer from the SIP mirror before the deadline: it is down, or something drops the request or the reply (outcome Failed).",
        ["sip.alg.no_verdict"] = "The answer carried no readable verdict: not a FleetMonitor mirror, or mangled on the way (outcome Failed).",
        ["media.no_echo"] = "None of the media stream's packets came back from the echo (outcome Failed).",
        ["media.loss_high"] = "The media stream's round-trip loss is above max_loss_percent (outcome Degraded).",
        ["media.jitter_high"] = "The media stream's RFC 3550 jitter is above max_jitter_ms (outcome Degraded).",
        ["media.mos_low"] = "The media stream's E-model MOS (with PLC) is below min_mos (outcome Degraded).",
        ["media.local_port_unavailable"] = "No port of local_ports could be bound to send the media stream from (outcome Error).",
        ["exposure.none"] = "The connect-back scan found no open port on the site's public address (informational).",
        ["exposure.unauthorized"] = "The Reflector did not accept the agent's credentials (unknown user, wrong password, clock too far off; outcome Error).",
        ["exposure.rate_limited"] = "The Reflector refused the scan for now: this agent or this address used its scans (outcome Error).",
        ["exposure.rejected"] = "The Reflector refused the request as malformed (outcome Error).",
        ["exposure.reflector_failed"] = "The Reflector could not be reached, failed, or did not answer before the deadline (outcome Error).",
        ["exposure.bad_signature"] = "The scan result's MAC did not verify: something between the agent and the Reflector changed it (outcome Error).",
        ["upnp.not_found"] = "No UPnP Internet Gateway Device answered the SSDP search on this LAN (informational: nothing can map ports).",
        ["upnp.failed"] = "An IGD answered but its description or control service could not be used (outcome Degraded).",
        ["upnp.mapping.sip"] = "A UPnP port mapping of SIP (5060, 5061): the phone's signalling is reachable from the internet (outcome Degraded).",
        ["upnp.mapping.rtp"] = "A UPnP port mapping into an RTP range (the site's, or 10000-20000 and 16384-32767/udp; outcome Degraded).",
        ["upnp.mapping.admin"] = "A UPnP port mapping of a remote-admin port (22, 23, 80, 443, 3389, 7547, 8080, 8443; outcome Degraded).",
        ["upnp.mapping.wide_range"] = "A run of consecutive external ports mapped to one host: a range opened port by port (outcome Degraded).",
        ["upnp.mapping.other_host"] = "A mapping to another host on the LAN than this machine (informational: another device opened it).",
        ["upnp.mappings_truncated"] = "The IGD lists more mappings than the probe reads (informational).",
        ["nat.none"] = "The mapped address is the local address: no NAT between the agent and the Reflector (informational).",
        ["nat.mapping.endpoint_independent"] = "Endpoint-independent mapping (informational).",
        ["nat.mapping.address_dependent"] = "Address-dependent mapping (informational; Symmetric comes with it).",
        ["nat.mapping.address_and_port_dependent"] = "Address-and-port-dependent mapping (informational; Symmetric comes with it).",
        ["nat.filtering.endpoint_independent"] = "Endpoint-independent filtering (informational; ExposureFilteringOpen comes with it).",
        ["nat.filtering.address_dependent"] = "Address-dependent filtering (informational).",
        ["nat.filtering.address_and_port_dependent"] = "Address-and-port-dependent filtering (informational).",
        ["exposure.nat_filtering_open"] = "Endpoint-independent filtering: anyone on the internet can send to a port the phone or PC has used, which is an exposure and not only a NAT fact (outcome Degraded).",
        ["nat.symmetric"] = "Address- or address-and-port-dependent mapping (\"symmetric\" NAT): the port the PBX learns for RTP is not the one a peer can use, so media needs a relay or the far end's latching (outcome Degraded).",
        ["nat.binding_short"] = "An idle UDP binding died before keepalive_s: registrations and incoming calls break between keep-alives (outcome Degraded).",
        ["nat.binding_lifetime_unmeasured"] = "The timeout ended the binding-lifetime search before it could tell whether a binding outlives keepalive_s (binding_lifetime_note says how far it got): raise the timeout or lower max_lifetime_s (informational).",
        ["nat.hairpin_unsupported"] = "The NAT does not loop back traffic sent to its own public address (informational: matters for two phones behind one NAT).",
        ["nat.alg_suspected"] = "MAPPED-ADDRESS differs from XOR-MAPPED-ADDRESS: something on the path rewrites addresses inside payloads (outcome Degraded).",
        ["nat.cgnat_suspected"] = "The mapped address is in 100.64.0.0/10 (carrier-grade NAT) or private space, or a router on the way (path_hops) is in 100.64.0.0/10: another NAT lies between this one and the internet (informational).",
        ["nat.no_response"] = "No answer to the first Binding request after every retransmission: UDP to the Reflector is blocked or it is down (outcome Failed).",
        ["nat.server_unsupported"] = "The server does not do RFC 5780 (no OTHER-ADDRESS, an answer from the wrong address, an error) (outcome Error).",
        ["nat.unauthorized"] = "The Reflector refused CHANGE-REQUEST or RESPONSE-PORT (401): username/password missing or wrong (outcome Error).",
        ["nat.incomplete"] = "A test the verdict needs got no conclusive answer (the alternate address silent, the deadline too short) (outcome Error).",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The explanation of <paramref name="code"/>; codes with a variable tail (<c>exposure.open.5060/udp</c>) are explained by their family.</summary>
    public static string Explain(string code)
    {
        if (ByCode.TryGetValue(code, out var text))
        {
            return text;
        }

        if (code.StartsWith("exposure.open.", StringComparison.Ordinal))
        {
            return $"Port {code["exposure.open.".Length..]} on the router's public address answers from the internet and should not.";
        }

        if (code.StartsWith("sip.status.", StringComparison.Ordinal))
        {
            return $"The SIP server answered OPTIONS with status {code["sip.status.".Length..]} instead of 200.";
        }

        var dot = code.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? $"A finding of the {code[..dot]} probe; see the finding codes in the documentation." : "See the finding codes in the documentation.";
    }
}
