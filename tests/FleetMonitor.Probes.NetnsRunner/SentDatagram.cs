namespace FleetMonitor.Probes.NetnsRunner;

/// <summary>One datagram <c>send</c> sent: how many bytes left, and the replies (hex, or <c>error:CODE</c>).</summary>
public sealed class SentDatagram
{
    public int Sent { get; set; }

    public List<string> Replies { get; init; } = [];
}
