namespace FleetMonitor.Probes.SipAlg;

/// <summary>The request the <c>sip-alg</c> probe sends, as its <c>method</c> parameter names it.</summary>
internal enum SipAlgMethod
{
    /// <summary>A call set-up with an SDP offer: the message whose SDP every ALG rewrites (Linux's only in INVITE, UPDATE, ACK and PRACK).</summary>
    Invite,

    /// <summary>A keep-alive with the same SDP body: headers only for most ALGs, and no media pinholes opened.</summary>
    Options,
}
