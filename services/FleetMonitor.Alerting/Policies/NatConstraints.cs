namespace FleetMonitor.Alerting.Policies;

/// <summary>The constraints of a <c>nat</c> rule.</summary>
public static class NatConstraints
{
    /// <summary>An address(-and-port)-dependent mapping fails unless the rule says a TURN relay or SBC serves the site.</summary>
    public const string SymmetricWithoutTurn = "symmetric_without_turn";

    /// <summary>A UDP binding that dies before the phones' keep-alive fails.</summary>
    public const string BindingShorterThanKeepalive = "binding_shorter_than_keepalive";

    /// <summary>A SIP ALG rewriting SIP (seen by the sip-alg probe or the STUN payload check) fails.</summary>
    public const string SipAlg = "sip_alg";

    public static readonly IReadOnlyList<string> All = [SymmetricWithoutTurn, BindingShorterThanKeepalive, SipAlg];
}
