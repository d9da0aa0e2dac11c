namespace FleetMonitor.Alerting.Policies;

/// <summary>
/// The policy of a site that has none of its own. It encodes the VoIP vendor notes: TCP 80/443 and the SIP register
/// path must work, outbound UDP with replies must work, nothing may be reachable inbound, and opening every port is
/// never the fix (docs/policies.md explains each rule).
/// </summary>
public static class DefaultPolicy
{
    public static AlertPolicy Create() => new()
    {
        SchemaVersion = AlertPolicy.CurrentSchemaVersion,
        Hysteresis = new HysteresisSettings
        {
            Failures = HysteresisSettings.DefaultFailures,
            Window = HysteresisSettings.DefaultWindow,
            PassesToResolve = HysteresisSettings.DefaultPassesToResolve,
        },
        Flapping = new FlappingSettings { Transitions = FlappingSettings.DefaultTransitions, WindowSeconds = FlappingSettings.DefaultWindowSeconds },
        AgentOffline = new AgentOfflineSettings
        {
            Enabled = true,
            HeartbeatIntervalSeconds = AgentOfflineSettings.DefaultHeartbeatIntervalSeconds,
            MissedHeartbeats = AgentOfflineSettings.DefaultMissedHeartbeats,
            Severity = Severities.Warning,
        },
        Rules =
        [
            // The register path and provisioning: TCP/TLS to the PBX, HTTP(S)/1.1 on 80/443, SIP OPTIONS, SIP SRV.
            Rule("tcp-path", RuleKinds.ProbeOk, AlertClasses.Broken, Severities.Critical, "TCP/TLS to the PBX or provisioning server (80/443, SIP 5060/5061) must connect.", r => r.ProbeKind = "tcp"),
            Rule("http-provisioning", RuleKinds.ProbeOk, AlertClasses.Broken, Severities.Critical, "Provisioning over HTTP(S)/1.1 must answer.", r => r.ProbeKind = "http"),
            Rule("sip-register-path", RuleKinds.ProbeOk, AlertClasses.Broken, Severities.Critical, "SIP OPTIONS to the PBX must be answered on the phone's transport.", r => r.ProbeKind = "sip"),
            Rule("dns-sip", RuleKinds.ProbeOk, AlertClasses.Broken, Severities.Warning, "The PBX's DNS names and SIP SRV records must resolve.", r => r.ProbeKind = "dns"),

            // Outbound UDP with replies: the media echo and the STUN binding must come back.
            Rule("udp-media-path", RuleKinds.ProbeOk, AlertClasses.Broken, Severities.Critical, "Outbound UDP media must get its replies back through the NAT.", r => r.ProbeKind = "media"),
            Rule("udp-stun-path", RuleKinds.ProbeOk, AlertClasses.Broken, Severities.Critical, "Outbound UDP to the Reflector's STUN server must get replies.", r => r.ProbeKind = "nat"),
            Rule("media-mos", RuleKinds.Measurement, AlertClasses.Broken, Severities.Warning, "Call quality: E-model MOS (with PLC) at least 3.6.", r => { r.ProbeKind = "media"; r.Measurement = "mos_plc"; r.Op = ">="; r.Value = 3.6; }),
            Rule("media-loss", RuleKinds.Measurement, AlertClasses.Broken, Severities.Warning, "Round-trip packet loss at most 1 %.", r => { r.ProbeKind = "media"; r.Measurement = "loss_ratio"; r.Op = "<="; r.Value = 0.01; }),
            Rule("media-jitter", RuleKinds.Measurement, AlertClasses.Broken, Severities.Warning, "RFC 3550 jitter at most 30 ms.", r => { r.ProbeKind = "media"; r.Measurement = "jitter_ms"; r.Op = "<="; r.Value = 30; }),

            // NAT behaviour that breaks calls later or one way.
            Rule("nat-symmetric", RuleKinds.Nat, AlertClasses.Broken, Severities.Warning, "A symmetric NAT needs a TURN relay or SBC; none is configured.", r => { r.Constraint = NatConstraints.SymmetricWithoutTurn; r.TurnConfigured = false; }),
            Rule("nat-binding-lifetime", RuleKinds.Nat, AlertClasses.Broken, Severities.Warning, "UDP bindings must outlive the phones' 30 s keep-alive.", r => { r.Constraint = NatConstraints.BindingShorterThanKeepalive; r.KeepaliveSeconds = 30; }),
            Rule("sip-alg", RuleKinds.Nat, AlertClasses.Broken, Severities.Critical, "A SIP ALG rewrites SIP: registrations flap and audio goes one way. Turn it off on the router.", r => r.Constraint = NatConstraints.SipAlg),

            // Nothing reachable from the internet that the phone did not open for a reply.
            Rule("inbound-closed", RuleKinds.PortsClosed, AlertClasses.Exposed, Severities.Critical, "Nothing may answer on the home's public address (SIP, RTP, admin, telnet/SSH, a DMZ host).", r => r.Ports = ["*"]),
            Rule("nat-filtering-open", RuleKinds.PortsClosed, AlertClasses.Exposed, Severities.Warning, "Endpoint-independent filtering (full cone) lets any host reach the phone's mapped ports.", r => r.EndpointIndependentFiltering = true),
            Rule("upnp-forwarding", RuleKinds.UpnpMapping, AlertClasses.Exposed, Severities.Critical, "UPnP must not forward SIP, RTP or admin ports, nor wide port ranges ('open every port' is never the fix).", r => r.Categories = ["sip", "rtp", "admin", "wide_range"]),
        ],
    };

    private static PolicyRule Rule(string id, string kind, string @class, string severity, string description, Action<PolicyRule> configure)
    {
        var rule = new PolicyRule { Id = id, Kind = kind, Class = @class, Severity = severity, Description = description };
        configure(rule);
        return rule;
    }
}
