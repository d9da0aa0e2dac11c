namespace FleetMonitor.Protocols.Sip;

/// <summary>The transport a SIP request goes over, as the <c>transport</c> parameter names it.</summary>
internal enum SipTransport
{
    Udp,
    Tcp,
    Tls,
}
