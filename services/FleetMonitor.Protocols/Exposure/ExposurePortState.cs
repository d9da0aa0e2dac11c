namespace FleetMonitor.Protocols.Exposure;

/// <summary>The states the connect-back scan reports for a port (nmap's words, so that the two can be compared).</summary>
public static class ExposurePortState
{
    /// <summary>TCP: the handshake completed (SYN-ACK). UDP: something answered the datagram.</summary>
    public const string Open = "open";

    /// <summary>TCP: a reset (RST). UDP: an ICMP port unreachable.</summary>
    public const string Closed = "closed";

    /// <summary>TCP: no answer before the timeout, or an ICMP unreachable other than port unreachable. UDP: an ICMP unreachable other than port unreachable.</summary>
    public const string Filtered = "filtered";

    /// <summary>UDP only: no answer at all, which a listening service that ignores the payload and a firewall that drops it both give.</summary>
    public const string OpenFiltered = "open|filtered";
}
