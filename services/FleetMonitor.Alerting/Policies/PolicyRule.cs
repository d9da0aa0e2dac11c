namespace FleetMonitor.Alerting.Policies;

/// <summary>One rule of a policy; which members apply depends on <see cref="Kind"/> (see <see cref="RuleKinds"/> and docs/policies.md).</summary>
public sealed class PolicyRule
{
    public string? Id { get; set; }

    public string? Kind { get; set; }

    /// <summary><c>broken</c> or <c>exposed</c>.</summary>
    public string? Class { get; set; }

    /// <summary><c>critical</c>, <c>warning</c> or <c>info</c>.</summary>
    public string? Severity { get; set; }

    public string? Description { get; set; }

    public string? RunbookUrl { get; set; }

    /// <summary>The probe definition id the rule is about (or <see cref="ProbeKind"/>).</summary>
    public string? ProbeId { get; set; }

    /// <summary>The probe kind the rule is about (or <see cref="ProbeId"/>).</summary>
    public string? ProbeKind { get; set; }

    /// <summary><c>measurement</c>: the measurement's name, such as <c>mos_plc</c>.</summary>
    public string? Measurement { get; set; }

    /// <summary><c>measurement</c>: <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c> or <c>&gt;=</c>: what a passing value satisfies.</summary>
    public string? Op { get; set; }

    public double? Value { get; set; }

    /// <summary><c>nat</c>: one of <see cref="NatConstraints"/>.</summary>
    public string? Constraint { get; set; }

    /// <summary><c>nat</c> <c>symmetric_without_turn</c>: a TURN relay or SBC serves the site, so a symmetric NAT is fine.</summary>
    public bool? TurnConfigured { get; set; }

    /// <summary><c>nat</c> <c>binding_shorter_than_keepalive</c>: the phones' keep-alive interval.</summary>
    public int? KeepaliveSeconds { get; set; }

    /// <summary><c>ports_closed</c>: <c>5060/udp</c>, <c>10000-20000/udp</c> or <c>*</c> (any port).</summary>
    public List<string>? Ports { get; set; }

    /// <summary><c>ports_closed</c>: endpoint-independent filtering (a full cone) counts as open.</summary>
    public bool? EndpointIndependentFiltering { get; set; }

    /// <summary><c>upnp_mapping</c>: <c>sip</c>, <c>rtp</c>, <c>admin</c>, <c>wide_range</c>, <c>other_host</c>.</summary>
    public List<string>? Categories { get; set; }

    /// <summary><c>finding</c>: finding code pattern, <c>*</c> matching any characters (<c>sip.alg.rewrote_*</c>).</summary>
    public string? Pattern { get; set; }

    public HysteresisSettings? Hysteresis { get; set; }
}
